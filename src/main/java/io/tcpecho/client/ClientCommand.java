package io.tcpecho.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import javax.net.ssl.SSLException;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.integration.MessageTimeoutException;

/**
 * {@code java -jar tcp-echo.jar client --host H --port P [--framing F] [message...]}: sends each
 * message, prints each echo, exits 0 only when every echo matched. Without messages it is
 * interactive: a prompt, one line sent per Enter, {@code q} quits.
 */
public final class ClientCommand {

    public static final int OK = 0;

    public static final int MISMATCH = 1;

    public static final int USAGE = 2;

    public static final int UNREACHABLE = 3;

    public static final int TIMEOUT = 4;

    private static final Set<String> OPTIONS = new LinkedHashSet<>(
            List.of("host", "port", "framing", "timeout", "connect-timeout", "ssl-bundle"));

    private ClientCommand() {
    }

    public static int run(String[] args, InputStream stdin, PrintStream out, PrintStream err) {
        CommandLine line;
        try {
            line = CommandLine.parse(args, OPTIONS);
        }
        catch (IllegalArgumentException ex) {
            err.println("tcp-echo client: " + ex.getMessage());
            err.println("usage: client --host H --port P [--framing F] [--timeout 5s] [message...]");
            return USAGE;
        }
        String host = line.get("host", null);
        String port = line.get("port", null);
        List<String> properties = new ArrayList<>(List.of("--spring.main.banner-mode=off",
                "--logging.level.root=WARN", "--logging.level.org.springframework.integration=OFF"));
        add(properties, "echo.client.host", host);
        add(properties, "echo.client.port", port);
        add(properties, "echo.client.framing", line.get("framing", null));
        add(properties, "echo.client.reply-timeout", line.get("timeout", null));
        add(properties, "echo.client.connect-timeout", line.get("connect-timeout", null));
        add(properties, "echo.client.ssl-bundle", line.get("ssl-bundle", null));
        ConfigurableApplicationContext context;
        try {
            context = new SpringApplicationBuilder(EchoClientConfiguration.class)
                    .web(WebApplicationType.NONE)
                    .bannerMode(Banner.Mode.OFF)
                    .logStartupInfo(false)
                    .run(properties.toArray(String[]::new));
        }
        catch (RuntimeException ex) {
            err.println("tcp-echo client: invalid settings: " + rootCause(ex).getMessage());
            return USAGE;
        }
        try (context) {
            EchoClientProperties settings = context.getBean(EchoClientProperties.class);
            EchoClient client = context.getBean(EchoClient.class);
            String target = settings.host() + ":" + settings.port();
            if (line.words().isEmpty()) {
                return interactive(client, target, stdin, out, err);
            }
            for (String message : line.words()) {
                int status = send(client, target, message, out, err);
                if (status != OK) {
                    return status;
                }
            }
            return OK;
        }
    }

    private static int interactive(EchoClient client, String target, InputStream stdin, PrintStream out,
            PrintStream err) {
        BufferedReader reader = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8));
        out.println("Connected to " + target + "; one line per Enter, q quits.");
        while (true) {
            out.print("> ");
            out.flush();
            String message;
            try {
                message = reader.readLine();
            }
            catch (IOException ex) {
                return OK;
            }
            if (message == null || message.equals("q")) {
                return OK;
            }
            int status = send(client, target, message, out, err);
            if (status != OK) {
                return status;
            }
        }
    }

    private static int send(EchoClient client, String target, String message, PrintStream out, PrintStream err) {
        byte[] sent = message.getBytes(StandardCharsets.UTF_8);
        byte[] echo;
        try {
            echo = client.echo(sent);
        }
        catch (RuntimeException ex) {
            return failure(ex, target, err);
        }
        if (echo == null) {
            err.println("tcp-echo client: no echo from " + target + " (timed out)");
            return TIMEOUT;
        }
        if (!Arrays.equals(sent, echo)) {
            err.println("tcp-echo client: echo mismatch from " + target + ": sent " + sent.length + " bytes, got "
                    + echo.length + " bytes");
            return MISMATCH;
        }
        out.println(new String(echo, StandardCharsets.UTF_8));
        return OK;
    }

    private static int failure(RuntimeException ex, String target, PrintStream err) {
        Throwable cause = rootCause(ex);
        if (cause instanceof ConnectException || cause instanceof UnknownHostException) {
            err.println("tcp-echo client: cannot connect to " + target + ": " + cause.getMessage());
            return UNREACHABLE;
        }
        if (causedBy(ex, SSLException.class)) {
            // The root cause names the problem (untrusted certificate, host name not in it, no common protocol).
            err.println("tcp-echo client: TLS handshake with " + target + " failed: " + cause.getMessage());
            return UNREACHABLE;
        }
        if (cause instanceof SocketTimeoutException || ex instanceof MessageTimeoutException
                || cause instanceof MessageTimeoutException) {
            err.println("tcp-echo client: no echo from " + target + " (timed out)");
            return TIMEOUT;
        }
        err.println("tcp-echo client: " + target + ": " + cause);
        return UNREACHABLE;
    }

    private static boolean causedBy(Throwable ex, Class<? extends Throwable> type) {
        for (Throwable cause = ex; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    static Throwable rootCause(Throwable ex) {
        Throwable cause = ex;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static void add(List<String> properties, String key, String value) {
        if (value != null) {
            properties.add("--" + key + "=" + value);
        }
    }
}
