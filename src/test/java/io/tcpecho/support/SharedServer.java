package io.tcpecho.support;

import io.tcpecho.server.EchoServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * One running server for all tests of a class, started before the first and closed after the last:
 * {@code @RegisterExtension static final SharedServer server = SharedServer.tcp("echo.tcp.framing=lf");}
 */
public final class SharedServer implements BeforeAllCallback, AfterAllCallback {

    private final boolean http;

    private final String[] properties;

    private RunningServer running;

    private SharedServer(boolean http, String... properties) {
        this.http = http;
        this.properties = properties;
    }

    /** TCP only, no web server. */
    public static SharedServer tcp(String... properties) {
        return new SharedServer(false, properties);
    }

    /** TCP plus the Actuator HTTP endpoints. */
    public static SharedServer withHttp(String... properties) {
        return new SharedServer(true, properties);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        this.running = this.http ? RunningServer.startWithHttp(this.properties) : RunningServer.start(this.properties);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (this.running != null) {
            this.running.close();
            this.running = null;
        }
    }

    public int tcpPort() {
        return this.running.tcpPort();
    }

    public int httpPort() {
        return this.running.httpPort();
    }

    public EchoServer server() {
        return this.running.server();
    }

    public ConfigurableApplicationContext context() {
        return this.running.context();
    }
}
