package io.tcpecho.metrics;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.tcpecho.framing.BufferMemory;
import io.tcpecho.server.CloseReason;
import io.tcpecho.server.CloseReasons;
import io.tcpecho.server.ConnectionObserver;
import io.tcpecho.server.ConnectionRegistry;

import org.springframework.context.event.EventListener;
import org.springframework.integration.ip.tcp.connection.TcpConnectionCloseEvent;
import org.springframework.integration.ip.tcp.connection.TcpConnectionOpenEvent;

/**
 * The {@code echo.*} meters, a public contract (README "Meters"). Connection meters follow the
 * connection factory's open and close events; frame meters are fed by the connection itself, a
 * few atomic adds per frame.
 */
class EchoMetrics implements ConnectionObserver {

    private final MeterRegistry registry;

    private final Counter opened;

    private final Map<CloseReason, Counter> closed = new EnumMap<>(CloseReason.class);

    private final Counter rejected;

    private final Counter messages;

    private final Counter bytesReceived;

    private final Counter bytesSent;

    private final DistributionSummary messageSize;

    private final Timer messageDuration;

    private final Map<String, Counter> errors = new ConcurrentHashMap<>();

    EchoMetrics(MeterRegistry registry, ConnectionRegistry connections, BufferMemory bufferMemory) {
        this.registry = registry;
        Gauge.builder("echo.connections.active", connections, ConnectionRegistry::active)
                .description("Connections open now").register(registry);
        Gauge.builder("echo.connections.max", connections, ConnectionRegistry::max)
                .description("Configured echo.tcp.max-connections").register(registry);
        Gauge.builder("echo.buffer.memory.used", bufferMemory, BufferMemory::used).baseUnit(BaseUnits.BYTES)
                .description("Heap held in grown buffers and frames that span reads, all connections").register(registry);
        Gauge.builder("echo.buffer.memory.max", bufferMemory, BufferMemory::capacity).baseUnit(BaseUnits.BYTES)
                .description("echo.tcp.max-buffer-memory").register(registry);
        this.opened = Counter.builder("echo.connections.opened").description("Connections accepted")
                .register(registry);
        for (CloseReason reason : CloseReason.values()) {
            this.closed.put(reason, Counter.builder("echo.connections.closed").tag("reason", reason.tag())
                    .description("Connections closed, by reason").register(registry));
        }
        this.rejected = Counter.builder("echo.connections.rejected")
                .description("Connections closed on accept because max-connections was reached").register(registry);
        this.messages = Counter.builder("echo.messages").description("Frames echoed").register(registry);
        // no base unit: it would turn the contract name echo_bytes_received_total into ..._bytes_total
        this.bytesReceived = Counter.builder("echo.bytes.received")
                .description("Bytes of complete frames received, framing included").register(registry);
        this.bytesSent = Counter.builder("echo.bytes.sent")
                .description("Bytes of echoes written, framing included").register(registry);
        this.messageSize = DistributionSummary.builder("echo.message.size").baseUnit(BaseUnits.BYTES)
                .description("Payload size of echoed frames").publishPercentileHistogram().register(registry);
        this.messageDuration = Timer.builder("echo.message.duration")
                .description("Server time per frame, from decoded to echo written").publishPercentileHistogram()
                .register(registry);
        // Pre-register the usual error reasons so a dashboard sees zeros rather than no series.
        for (String reason : new String[] {"oversize", "framing", "partial-frame", "buffer-memory", "tls-handshake", "read",
            "write", "accept"}) {
            error(reason, 0);
        }
    }

    @EventListener
    void onOpen(TcpConnectionOpenEvent event) {
        this.opened.increment();
    }

    @EventListener
    void onClose(TcpConnectionCloseEvent event) {
        this.closed.get(CloseReasons.of(event)).increment();
    }

    @Override
    public void frameReceived(int wireBytes) {
        this.bytesReceived.increment(wireBytes);
    }

    @Override
    public void frameEchoed(int payloadBytes, int wireBytes, long nanos) {
        this.messages.increment();
        this.bytesSent.increment(wireBytes);
        this.messageSize.record(payloadBytes);
        this.messageDuration.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void rejected() {
        this.rejected.increment();
    }

    @Override
    public void error(String reason) {
        error(reason, 1);
    }

    private void error(String reason, int amount) {
        this.errors.computeIfAbsent(reason, r -> Counter.builder("echo.errors").tag("reason", r)
                .description("Errors on connections, by reason").register(this.registry)).increment(amount);
    }
}
