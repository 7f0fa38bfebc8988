package io.tcpecho;

import java.util.Arrays;

import sun.misc.Signal;

import io.tcpecho.client.BenchCommand;
import io.tcpecho.client.ClientCommand;
import io.tcpecho.server.ReadPollers;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * {@code java -jar tcp-echo.jar} runs the service; {@code client ...} and {@code bench ...} run the
 * client commands from the same jar.
 */
@SpringBootApplication
public class TcpEchoApplication {

    public static void main(String[] args) {
        // before any socket is read: the JDK reads the setting once (ReadPollers says why)
        ReadPollers.applyDefault();
        if (args.length > 0 && (args[0].equals("client") || args[0].equals("bench"))) {
            String[] rest = Arrays.copyOfRange(args, 1, args.length);
            int status = args[0].equals("client") ? ClientCommand.run(rest, System.in, System.out, System.err)
                    : BenchCommand.run(rest, System.out, System.err);
            System.exit(status);
        }
        SpringApplication.run(TcpEchoApplication.class, args);
        // The JVM ends with 143 after SIGTERM even when the drain completed; Kubernetes shows that as
        // an error. Exit 0 instead: System.exit still runs the shutdown hook that closes the context.
        Signal.handle(new Signal("TERM"), signal -> System.exit(0));
    }
}
