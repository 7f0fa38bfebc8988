package io.tcpecho.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed server certificate made by the running JDK's {@code keytool} (EC P-256), as a
 * PKCS#12 key store and as PEM files, the two forms a Spring Boot SSL bundle reads.
 */
public record TestCertificates(Path keyStore, Path certificatePem, Path privateKeyPem) {

    public static final String PASSWORD = "changeit";

    public static final String ALIAS = "tcp-echo";

    /** Creates the key store and PEM files in {@code directory}, for localhost, 127.0.0.1 and ::1. */
    public static TestCertificates create(Path directory, String commonName) throws Exception {
        return create(directory, commonName, "dns:localhost,ip:127.0.0.1,ip:::1");
    }

    /** @param names keytool's subject alternative names, e.g. {@code dns:localhost,ip:127.0.0.1} */
    public static TestCertificates create(Path directory, String commonName, String names) throws Exception {
        Files.createDirectories(directory);
        Path keyStore = directory.resolve("server.p12");
        keytool("-genkeypair", "-alias", ALIAS, "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=" + commonName, "-ext", "SAN=" + names, "-validity", "2", "-keystore",
                keyStore.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD);
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            store.load(in, PASSWORD.toCharArray());
        }
        Path certificate = directory.resolve("tls.crt");
        Path privateKey = directory.resolve("tls.key");
        Files.writeString(certificate, pem("CERTIFICATE", store.getCertificate(ALIAS).getEncoded()));
        Files.writeString(privateKey,
                pem("PRIVATE KEY", ((PrivateKey) store.getKey(ALIAS, PASSWORD.toCharArray())).getEncoded()));
        return new TestCertificates(keyStore, certificate, privateKey);
    }

    public X509Certificate certificate() throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(this.certificatePem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    /** A client context that trusts exactly these certificates. */
    public static SSLContext trusting(TestCertificates... certificates) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        List<Certificate> all = new ArrayList<>();
        for (TestCertificates certificate : certificates) {
            all.add(certificate.certificate());
        }
        for (int i = 0; i < all.size(); i++) {
            trust.setCertificateEntry("trusted-" + i, all.get(i));
        }
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trustManagers.getTrustManagers(), null);
        return context;
    }

    /** Spring Boot properties of a JKS-type bundle (the PKCS#12 store) with this name, for the server. */
    public String[] jksKeyStoreBundle(String name) {
        String prefix = "spring.ssl.bundle.jks." + name + ".keystore.";
        return new String[] {prefix + "location=file:" + this.keyStore, prefix + "password=" + PASSWORD,
                prefix + "type=PKCS12"};
    }

    /** Properties of a TLS listener: {@code echo.tcp.ssl.bundle=server} and this key store as that bundle, then {@code more}. */
    public String[] tlsServer(String... more) {
        List<String> properties = new ArrayList<>(List.of("echo.tcp.ssl.bundle=server"));
        properties.addAll(List.of(jksKeyStoreBundle("server")));
        properties.addAll(List.of(more));
        return properties.toArray(String[]::new);
    }

    /** Spring Boot properties of a PEM bundle with this name that trusts the certificate, for a client. */
    public String pemTrustBundle(String name) {
        return "spring.ssl.bundle.pem." + name + ".truststore.certificate=file:" + this.certificatePem;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static void keytool(String... args) throws Exception {
        // keytool of the JDK running the tests: the java binary's sibling
        Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
        List<String> command = new ArrayList<>(List.of(java.resolveSibling("keytool").toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        boolean done = process.waitFor(60, TimeUnit.SECONDS);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!done) {
            process.destroyForcibly();
            throw new IllegalStateException("keytool did not finish within 60 s: " + output);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("keytool failed (" + process.exitValue() + "): " + output);
        }
    }
}
