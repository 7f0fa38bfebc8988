package io.tcpecho.metrics;

import io.tcpecho.support.PrometheusExposition;
import io.tcpecho.support.RunningServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring Integration's per-component send timers are off unless {@code echo.metrics.integration-timers}
 * asks for them (they cost clock reads per frame); the {@code echo_*} meters count either way.
 */
class IntegrationTimersTests {

    @Test
    void springIntegrationSendTimersAreOffByDefaultWhileEchoMetersCount() throws Exception {
        try (RunningServer app = RunningServer.startWithHttp()) {
            PrometheusExposition scrape = PrometheusExposition.scrapeAfterEchoes(app.httpPort(), app.tcpPort());
            assertThat(scrape.sampleNames()).noneMatch(name -> name.startsWith("spring_integration_send"))
                    .contains("spring_integration_channels", "spring_integration_handlers");
            assertThat(scrape.samples("echo_messages_total")).singleElement().asString().endsWith(" 5.0");
            assertThat(scrape.samples("echo_message_duration_seconds_count")).singleElement().asString()
                    .endsWith(" 5");
        }
    }

    @Test
    void springIntegrationSendTimersComeBackWhenAskedFor() throws Exception {
        try (RunningServer app = RunningServer.startWithHttp("echo.metrics.integration-timers=true")) {
            PrometheusExposition scrape = PrometheusExposition.scrapeAfterEchoes(app.httpPort(), app.tcpPort());
            assertThat(scrape.samples("spring_integration_send_seconds_count"))
                    .anySatisfy(line -> assertThat(line).contains("type=\"handler\"").endsWith(" 5"))
                    .anySatisfy(line -> assertThat(line).contains("type=\"channel\"").endsWith(" 5"))
                    // the inbound gateway takes its timed path (EchoInboundGateway)
                    .anySatisfy(line -> assertThat(line).contains("type=\"source\"").endsWith(" 5"));
            assertThat(scrape.samples("echo_messages_total")).singleElement().asString().endsWith(" 5.0");
        }
    }
}
