package io.tcpecho.client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code --name value} and {@code --name=value} options followed by positional words, the shape
 * of the {@code client} and {@code bench} commands.
 */
record CommandLine(Map<String, String> options, List<String> words) {

    static CommandLine parse(String[] args, Set<String> known) {
        Map<String, String> options = new LinkedHashMap<>();
        List<String> words = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--")) {
                words.addAll(List.of(args).subList(i + 1, args.length));
                break;
            }
            if (arg.startsWith("--") && words.isEmpty()) {
                String name = arg.substring(2);
                String value;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                else if (i + 1 < args.length) {
                    value = args[++i];
                }
                else {
                    throw new IllegalArgumentException("option --" + name + " needs a value");
                }
                if (!known.contains(name)) {
                    throw new IllegalArgumentException("unknown option --" + name + "; known: --" + String.join(", --", known));
                }
                options.put(name, value);
            }
            else {
                words.add(arg);
            }
        }
        return new CommandLine(options, words);
    }

    String get(String name, String fallback) {
        return this.options.getOrDefault(name, fallback);
    }
}
