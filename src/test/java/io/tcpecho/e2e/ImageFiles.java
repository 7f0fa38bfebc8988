package io.tcpecho.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The files of the image the {@code Dockerfile} builds, made without a container engine (this
 * machine has none): each stage is a directory standing for its root file system, and the
 * Dockerfile's own instructions are carried out in order. The base image's files are not there;
 * its {@code java} is the JDK running the tests, the same major version (25).
 *
 * <p>Only what the Dockerfile uses is understood, and anything else fails the build, so a change to
 * the Dockerfile is either followed here or noticed. The one instruction skipped is the {@code RUN}
 * that creates the image's user: a process here runs as the test's user, and only the base image
 * has {@code groupadd}.
 */
final class ImageFiles {

    private static final Path CONTEXT = Path.of(".");

    private ImageFiles() {
    }

    /** Builds the Dockerfile's stages under {@code work} and returns the final stage's root. */
    static Path build(Path work) throws Exception {
        Map<String, Path> stages = new HashMap<>();
        Path root = null;
        String workdir = "/";
        for (String line : instructions(Files.readAllLines(CONTEXT.resolve("Dockerfile")))) {
            String[] words = line.split("\\s+", 2);
            String arguments = words.length > 1 ? words[1].trim() : "";
            switch (words[0]) {
                case "FROM" -> {
                    root = Files.createDirectories(work.resolve("stage-" + stages.size()));
                    workdir = "/";
                    String[] from = arguments.split("\\s+");
                    stages.put(from.length == 3 && from[1].equalsIgnoreCase("AS") ? from[2] : "stage-" + stages.size(), root);
                }
                case "WORKDIR" -> {
                    workdir = resolve(workdir, arguments);
                    Files.createDirectories(within(root, workdir));
                }
                case "COPY" -> copy(arguments, stages, root, workdir);
                case "RUN" -> run(arguments, work, root, workdir);
                case "USER", "EXPOSE", "ENTRYPOINT" -> {
                    // The chart's agreement with these is HelmImageTests'; a pod here starts what the chart renders.
                }
                default -> throw new AssertionError("ImageFiles does not know the Dockerfile instruction: " + line);
            }
        }
        assertThat(root).as("a FROM in the Dockerfile").isNotNull();
        return root;
    }

    /** A path of the image, such as {@code /app/tcp-echo.jar}, in the directory standing for its root. */
    static Path within(Path root, String path) {
        assertThat(path).as("an absolute path in the image").startsWith("/");
        return root.resolve(path.substring(1));
    }

    /** Instructions one a line: comments and blank lines dropped, continued lines joined. */
    private static List<String> instructions(List<String> lines) {
        List<String> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : lines) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#") || trimmed.isEmpty()) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            instructions.add(current.append(trimmed).toString());
            current.setLength(0);
        }
        return instructions;
    }

    private static void copy(String arguments, Map<String, Path> stages, Path root, String workdir) throws IOException {
        String[] words = arguments.split("\\s+");
        Path sourceRoot = CONTEXT;
        int first = 0;
        if (words[0].startsWith("--from=")) {
            sourceRoot = stages.get(words[0].substring("--from=".length()));
            assertThat(sourceRoot).as("the stage of %s", arguments).isNotNull();
            first = 1;
        }
        assertThat(words.length - first).as("one source and a destination: COPY %s", arguments).isEqualTo(2);
        String source = words[first];
        Path from = source.startsWith("/") ? within(sourceRoot, source) : sourceRoot.resolve(source);
        Path to = within(root, resolve(workdir, words[first + 1]));
        if (Files.isDirectory(from)) {
            // A directory's contents are copied into the destination, as Docker's COPY does.
            copyTree(from, to, false);
        }
        else {
            assertThat(from).as("COPY's source").isRegularFile();
            Path target = words[first + 1].endsWith("/") ? to.resolve(from.getFileName().toString()) : to;
            Files.createDirectories(target.getParent());
            Files.copy(from, target);
        }
    }

    /**
     * The files under {@code from} at the same places under {@code to}: copies, or hard links to the
     * same files (for a pod's view of the image, which nothing writes to).
     */
    static void copyTree(Path from, Path to, boolean hardLinks) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                }
                else if (hardLinks) {
                    Files.createLink(target, file);
                }
                else {
                    Files.copy(file, target);
                }
            }
        }
    }

    private static void run(String command, Path work, Path root, String workdir) throws Exception {
        if (command.startsWith("groupadd ")) {
            return;
        }
        assertThat(command).as("a RUN this can carry out: the JDK's java").startsWith("java ");
        List<String> words = new ArrayList<>(List.of(command.substring("java ".length()).split("\\s+")));
        words.addFirst(EchoProcess.java());
        EchoProcess.Result result = EchoProcess.run(work, words, within(root, workdir), Map.of(), Duration.ofMinutes(2));
        assertThat(result.exitCode()).as("RUN %s:%n%s", command, result.output()).isZero();
    }

    private static String resolve(String workdir, String path) {
        if (path.startsWith("/")) {
            return path;
        }
        String relative = path.equals(".") || path.equals("./") ? "" : path.replaceFirst("^\\./", "");
        return (workdir.endsWith("/") ? workdir : workdir + "/") + relative;
    }

    /** Every regular file under {@code root} with its size and modification time, to tell whether anything wrote there. */
    static Map<Path, String> snapshot(Path root) throws IOException {
        Map<Path, String> files = new LinkedHashMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path file : walk.sorted().toList()) {
                files.put(root.relativize(file), Files.isDirectory(file) ? "directory"
                        : Files.size(file) + " bytes, modified " + Files.getLastModifiedTime(file));
            }
        }
        return files;
    }
}
