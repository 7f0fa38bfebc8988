package io.tcpecho.support;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Servers shared by the tests of one class: each configuration is started on first use and all are
 * closed after the class, so a class that needs several framings starts each context once.
 */
public final class RunningServers implements AutoCloseable {

    private final Map<List<String>, RunningServer> servers = new LinkedHashMap<>();

    /** The server started with exactly these properties, started now if it is not running yet. */
    public synchronized RunningServer get(String... properties) {
        return this.servers.computeIfAbsent(List.of(properties), key -> RunningServer.start(properties));
    }

    @Override
    public synchronized void close() {
        List<RuntimeException> failures = new ArrayList<>();
        for (RunningServer server : this.servers.values()) {
            try {
                server.close();
            }
            catch (RuntimeException ex) {
                failures.add(ex);
            }
        }
        this.servers.clear();
        if (!failures.isEmpty()) {
            RuntimeException first = failures.getFirst();
            failures.stream().skip(1).forEach(first::addSuppressed);
            throw first;
        }
    }
}
