package io.tcpecho.support;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code echo_*} metric families as the README publishes them: users' dashboards and alerts depend on these. */
public final class PrometheusContract {

    /** Family name (as in the {@code # TYPE} line of text format 0.0.4) to Prometheus type. */
    public static final Map<String, String> FAMILIES = families();

    /** Values of the {@code reason} tag of {@code echo_connections_closed_total}. */
    public static final List<String> CLOSE_REASONS = List.of("client", "quit", "idle", "oversize", "error", "shutdown");

    /** The common tag every echo meter carries, from management.metrics.tags. */
    public static final String APPLICATION_LABEL = "application=\"tcp-echo\"";

    private PrometheusContract() {
    }

    private static Map<String, String> families() {
        Map<String, String> families = new LinkedHashMap<>();
        families.put("echo_connections_active", "gauge");
        families.put("echo_connections_max", "gauge");
        families.put("echo_connections_opened_total", "counter");
        families.put("echo_connections_closed_total", "counter");
        families.put("echo_connections_rejected_total", "counter");
        families.put("echo_buffer_memory_used_bytes", "gauge");
        families.put("echo_buffer_memory_max_bytes", "gauge");
        families.put("echo_messages_total", "counter");
        families.put("echo_bytes_received_total", "counter");
        families.put("echo_bytes_sent_total", "counter");
        families.put("echo_errors_total", "counter");
        families.put("echo_message_size_bytes", "histogram");
        families.put("echo_message_duration_seconds", "histogram");
        families.put("echo_carrier_threads", "gauge");
        return Collections.unmodifiableMap(families);
    }
}
