package io.tcpecho.support;

import java.util.ArrayList;
import java.util.List;

import io.tcpecho.TcpEchoApplication;
import io.tcpecho.server.EchoServer;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The real application, started in-process on free ports (TCP and, when asked, HTTP). Start-up
 * returns once the listener is bound: {@link EchoServer} waits for it.
 */
public final class RunningServer implements AutoCloseable {

    private final ConfigurableApplicationContext context;

    private RunningServer(ConfigurableApplicationContext context) {
        this.context = context;
    }

    /** TCP only: no web server, faster to start. */
    public static RunningServer start(String... properties) {
        return start(false, properties);
    }

    /** TCP plus the Actuator HTTP endpoints. */
    public static RunningServer startWithHttp(String... properties) {
        return start(true, properties);
    }

    private static RunningServer start(boolean web, String... properties) {
        List<String> args = new ArrayList<>(List.of("--spring.main.banner-mode=off"));
        for (String property : properties) {
            args.add(property.startsWith("--") ? property : "--" + property);
        }
        // Free ports unless the caller names one: a key given twice on the command line binds as "0,7007".
        for (String key : List.of("echo.tcp.port", "server.port")) {
            if (args.stream().noneMatch(arg -> arg.startsWith("--" + key + "="))) {
                args.add("--" + key + "=0");
            }
        }
        return new RunningServer(new SpringApplicationBuilder(TcpEchoApplication.class)
                .web(web ? WebApplicationType.SERVLET : WebApplicationType.NONE)
                .run(args.toArray(String[]::new)));
    }

    public int tcpPort() {
        return server().port();
    }

    public int httpPort() {
        return ((WebServerApplicationContext) this.context).getWebServer().getPort();
    }

    public EchoServer server() {
        return this.context.getBean(EchoServer.class);
    }

    public ConfigurableApplicationContext context() {
        return this.context;
    }

    @Override
    public void close() {
        this.context.close();
    }
}
