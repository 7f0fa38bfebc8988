package io.tcpecho.server;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.OperatingSystemMXBean;
import com.sun.management.UnixOperatingSystemMXBean;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.integration.ip.tcp.connection.AbstractServerConnectionFactory;
import org.springframework.integration.ip.tcp.connection.TcpConnectionServerExceptionEvent;
import org.springframework.integration.ip.tcp.connection.TcpConnectionServerListeningEvent;
import org.springframework.integration.ip.event.IpIntegrationEvent;

/**
 * The listener's life: start-up waits until the port is bound (or fails naming it), and shutdown
 * drains connections instead of cutting them.
 *
 * <p>Spring Integration binds on a background thread and only logs a bind failure; a service that
 * starts "successfully" without its port would pass its probes while echoing nothing.
 */
public class EchoServer implements SmartLifecycle, ApplicationListener<IpIntegrationEvent> {

    private static final Log log = LogFactory.getLog(EchoServer.class);

    /** Bind timeout: binding is immediate unless something is badly wrong. */
    private static final Duration BIND_TIMEOUT = Duration.ofSeconds(30);

    private final AbstractServerConnectionFactory factory;

    private final ConnectionRegistry registry;

    private final TcpServerProperties properties;

    private final ApplicationEventPublisher publisher;

    private final ServerSockets sockets;

    private final CompletableFuture<Integer> bound = new CompletableFuture<>();

    /** Null without an idle timeout. */
    private final IdleConnections idleConnections;

    private volatile boolean running;

    EchoServer(AbstractServerConnectionFactory factory, ConnectionRegistry registry, TcpServerProperties properties,
            ApplicationEventPublisher publisher, ServerSockets sockets) {
        this.factory = factory;
        this.sockets = sockets;
        this.registry = registry;
        this.properties = properties;
        this.publisher = publisher;
        this.idleConnections = properties.closesIdleConnections()
                ? new IdleConnections(registry, properties.idleTimeout()) : null;
    }

    @Override
    public void onApplicationEvent(IpIntegrationEvent event) {
        if (event.getSource() != this.factory) {
            return;
        }
        if (event instanceof TcpConnectionServerListeningEvent listening) {
            this.bound.complete(listening.getPort());
        }
        else if (event instanceof TcpConnectionServerExceptionEvent failure) {
            this.bound.completeExceptionally(failure.getCause());
        }
    }

    @Override
    public void start() {
        try {
            int port = this.bound.get(BIND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            long bufferMemory = this.properties.maxBufferMemoryBytes();
            log.info("Echoing on " + describeAddress() + ":" + port + " (framing " + this.properties.framing().configName()
                    + ", max-message-size " + this.properties.maxMessageSize().toBytes() + " bytes, max-connections "
                    + this.properties.maxConnections() + ", max-buffer-memory " + bufferMemory
                    + " bytes" + (this.properties.ssl().enabled() ? ", TLS" : "") + ")");
            ResourceFit.heapWarning(this.properties.maxConnections(), this.properties.ssl().enabled(),
                    bufferMemory, Runtime.getRuntime().maxMemory()).ifPresent(log::warn);
            ResourceFit.frameWarning(this.properties.maxMessageBytes(), bufferMemory).ifPresent(log::warn);
            ResourceFit.fileWarning(this.properties.maxConnections(), maxFileDescriptors()).ifPresent(log::warn);
            ResourceFit.memoryWarning(maxHeapSize(), memoryLimit()).ifPresent(log::warn);
            this.running = true;
            if (this.idleConnections != null) {
                this.idleConnections.start();
            }
        }
        catch (ExecutionException ex) {
            throw new IllegalStateException("echo.tcp.port " + this.properties.port() + " on "
                    + describeAddress() + " could not be bound: " + ex.getCause().getMessage(), ex.getCause());
        }
        catch (TimeoutException ex) {
            throw new IllegalStateException("echo.tcp.port " + this.properties.port() + " was not bound within "
                    + BIND_TIMEOUT, ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while binding echo.tcp.port", ex);
        }
    }

    /** The process's descriptor limit as Micrometer's {@code process.files.max} reads it; -1 where unknown. */
    private static long maxFileDescriptors() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix
                ? unix.getMaxFileDescriptorCount() : -1;
    }

    /**
     * The heap as reserved, all of which a busy JVM commits. Not Runtime.maxMemory() or the memory
     * bean's maximum: with Serial GC, which a pod under 1792 MB gets, both leave out a survivor
     * space (371 MB of a 384 MB heap).
     */
    private static long maxHeapSize() {
        HotSpotDiagnosticMXBean hotSpot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        return hotSpot != null ? Long.parseLong(hotSpot.getVMOption("MaxHeapSize").getValue())
                : ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax();
    }

    /** The container's memory limit where the JVM found one in its cgroup, otherwise the machine's memory. */
    private static long memoryLimit() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os
                ? os.getTotalMemorySize() : -1;
    }

    private String describeAddress() {
        return this.properties.bindAddress().isBlank() ? "all interfaces" : this.properties.bindAddress();
    }

    /**
     * Graceful drain, in the order Kubernetes needs it: stop taking traffic, close the listener so
     * new connects are refused, let connections finish the frame they are in, then close them.
     */
    @Override
    public void stop() {
        if (!this.running) {
            return;
        }
        this.running = false;
        AvailabilityChangeEvent.publish(this.publisher, this, ReadinessState.REFUSING_TRAFFIC);
        // Only the listener: factory.stop() would close every connection at once, before the drain.
        // It returns once the connections waiting in the kernel's accept queue are accepted and
        // registered, so the drain below covers them too.
        this.sockets.closeListeners();
        long deadline = System.nanoTime() + this.properties.shutdown().drainTimeout().toNanos();
        int draining = this.registry.active();
        log.info("Draining " + draining + " connection(s) for up to " + this.properties.shutdown().drainTimeout());
        this.registry.open().forEach(EchoConnection::drain);
        while (this.registry.active() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20); // polling a counter; the drain has no single event to wait for
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        int left = this.registry.active();
        if (left > 0) {
            log.warn("Drain timeout of " + this.properties.shutdown().drainTimeout() + " reached; closing " + left
                    + " connection(s) in the middle of a frame");
            this.registry.open().forEach(connection -> connection.abort(CloseReason.SHUTDOWN));
        }
        else {
            log.info("Drained " + draining + " connection(s)");
        }
        if (this.idleConnections != null) {
            this.idleConnections.stop();
        }
        this.factory.stop();
    }

    @Override
    public boolean isRunning() {
        return this.running;
    }

    /** Starts after the inbound gateway has started the factory, stops before it. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 1000;
    }

    /** The bound port, also when configured as 0. */
    public int port() {
        return this.factory.getPort();
    }

    public boolean isListening() {
        return this.running && this.factory.isListening();
    }

    public TcpServerProperties properties() {
        return this.properties;
    }

    public ConnectionRegistry connections() {
        return this.registry;
    }
}
