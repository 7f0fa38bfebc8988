package io.tcpecho.client;

import java.time.Duration;

import io.tcpecho.framing.Framing;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The client, {@code echo.client.*}: defaults of the {@code client} and {@code bench} commands (bench uses
 * host, port, framing and ssl-bundle) and of programmatic use.
 *
 * @param host server host
 * @param port server port
 * @param framing must match the server's
 * @param maxMessageSize largest echo accepted
 * @param connectTimeout how long to wait for the connection
 * @param replyTimeout how long to wait for each echo
 * @param poolSize pooled connections for programmatic use
 * @param sslBundle SSL bundle for TLS; empty means plain TCP
 */
@ConfigurationProperties("echo.client")
@Validated
public record EchoClientProperties(
        @DefaultValue("localhost") @NotBlank String host,
        @DefaultValue("7007") @Min(1) @Max(65535) int port,
        @DefaultValue("crlf") @NotNull Framing framing,
        @DefaultValue("64KB") @NotNull DataSize maxMessageSize,
        @DefaultValue("5s") @NotNull Duration connectTimeout,
        @DefaultValue("5s") @NotNull Duration replyTimeout,
        @DefaultValue("4") @Min(1) int poolSize,
        @DefaultValue("") @NotNull String sslBundle) {
}
