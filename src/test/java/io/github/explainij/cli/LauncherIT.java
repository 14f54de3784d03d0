package io.github.explainij.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.explainij.TestData;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher {@code ./explain-ij} (after {@code package}), run with bash in a copy of the repository's layout
 * in a temporary folder: the script, and {@code target/explain-ij.jar} as a link to the built jar. So its
 * class-data-sharing archive ({@code target/explain-ij.jsa} beside the link) never touches the real
 * {@code target/}. The script is called through a symbolic link from another folder.
 */
class LauncherIT {

	private static final Path REPO = TestData.repo();
	private static final Path JAR = REPO.resolve("target/explain-ij.jar");
	private static final String SHARED = "source: shared objects file (top)";

	@TempDir
	Path tmp;

	private Path layout;
	private Path launcher;
	private Path work;

	/** What one process did. */
	private record Run(int status, String out, String err) {}

	@BeforeEach
	void layOut() throws IOException {
		layout = Files.createDirectories(tmp.toRealPath().resolve("explain-ij"));
		Files.copy(REPO.resolve("explain-ij"), layout.resolve("explain-ij"));
		Files.createDirectories(layout.resolve("target"));
		Files.createSymbolicLink(layout.resolve("target/explain-ij.jar"), JAR);
		launcher = Files.createSymbolicLink(Files.createDirectories(tmp.resolve("bin")).resolve("eij"), layout.resolve("explain-ij"));
		work = Files.createDirectories(tmp.resolve("work"));
	}

	private Path archive() {
		return layout.resolve("target/explain-ij.jsa");
	}

	private Path stamp() {
		return layout.resolve("target/explain-ij.jsa.jvm");
	}

	private Run run(final Map<String, String> env, final List<String> command) throws IOException, InterruptedException {
		final Path out = Files.createTempFile(tmp, "out", ".txt");
		final Path err = Files.createTempFile(tmp, "err", ".txt");
		final ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
		pb.environment().keySet().removeIf(k -> k.startsWith("EXPLAINIJ_") || k.equals("JAVA") || k.equals("GLIBC_TUNABLES"));
		pb.environment().putAll(env);
		final Process p = pb.start();
		if (!p.waitFor(3, TimeUnit.MINUTES)) {
			p.destroyForcibly();
			fail(command + " did not end in 3 minutes");
		}
		return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
	}

	private Run launch(final Map<String, String> env, final String... args) throws IOException, InterruptedException {
		final List<String> command = new ArrayList<>(List.of("bash", launcher.toString()));
		command.addAll(List.of(args));
		return run(env, command);
	}

	private String[] saliency(final Path out) {
		return new String[] {"saliency", "--model", REPO.resolve("models/cells-gap.pt").toString(), "--image",
			TestData.sample("cells", "apoptotic_000").toString(), "--out", out.toString()};
	}

	/** Temporary archives the launcher left in target/ (there must be none). */
	private List<Path> leftovers() throws IOException {
		try (Stream<Path> files = Files.list(layout.resolve("target"))) {
			return files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList();
		}
	}

	@Test
	void firstRunMakesTheArchiveTheSecondUsesItAndAStaleOneIsRemade() throws Exception {
		final Path plain = work.resolve("plain.tif");
		final List<String> java = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
		java.addAll(List.of(saliency(plain)));
		final Run reference = run(Map.of(), java);
		assertEquals(0, reference.status, reference.err);

		final Path first = work.resolve("first.tif");
		final Run made = launch(Map.of(), saliency(first));
		assertEquals(0, made.status, made.err);
		// the same program: what it prints (with the JVM's archive messages kept quiet) and the file it writes
		assertEquals(reference.out.replace(plain.toString(), first.toString()), made.out);
		assertEquals("", made.err);
		assertArrayEquals(Files.readAllBytes(plain), Files.readAllBytes(first));
		assertTrue(Files.size(archive()) > 1_000_000, "archive of " + Files.size(archive()) + " bytes");
		final List<String> stamp = Files.readAllLines(stamp());
		assertTrue(stamp.get(0).startsWith("java.home="), stamp.toString());
		assertEquals("archive " + Files.size(archive()), stamp.get(stamp.size() - 1));
		assertTrue(stamp.contains(layout.resolve("target/explain-ij.jar") + " " + Files.size(JAR) + " " +
			Files.getLastModifiedTime(JAR).toMillis() / 1000), stamp.toString());
		assertEquals(List.of(), leftovers());

		// the second run maps the application's classes from the archive instead of loading them from the jar
		final FileTime madeAt = Files.getLastModifiedTime(archive());
		final Path classes = tmp.resolve("classes.log");
		final Path second = work.resolve("second.tif");
		final Run used = launch(Map.of("EXPLAINIJ_JAVA_OPTS", "-Xlog:class+load=info:file=" + classes), saliency(second));
		assertEquals(0, used.status, used.err);
		assertArrayEquals(Files.readAllBytes(plain), Files.readAllBytes(second));
		final List<String> loaded = Files.readAllLines(classes);
		assertTrue(loaded.stream().anyMatch(l -> l.contains(" io.github.explainij.cli.Main " + SHARED)), "Main not from the archive");
		assertTrue(loaded.stream().anyMatch(l -> l.contains(" ai.djl.pytorch.engine.PtEngine " + SHARED)), "PtEngine not from the archive");
		assertEquals(madeAt, Files.getLastModifiedTime(archive()));

		// bad input with the archive in use: its one line and exit status 2
		final Run bad = launch(Map.of(), "saliency", "--model", work.resolve("missing.pt").toString(), "--image",
			TestData.sample("cells", "apoptotic_000").toString());
		assertEquals(2, bad.status, bad.err);
		assertEquals("error: model file not found: " + work.resolve("missing.pt") + " (choose a TorchScript .pt file)\n", bad.err);
		assertEquals(madeAt, Files.getLastModifiedTime(archive()));

		// a jar newer than the archive: the archive is made again, from this run
		Files.setLastModifiedTime(archive(), FileTime.fromMillis(Files.getLastModifiedTime(JAR).toMillis() - 3_600_000));
		final Path third = work.resolve("third.tif");
		final Run remade = launch(Map.of(), saliency(third));
		assertEquals(0, remade.status, remade.err);
		assertEquals(reference.out.replace(plain.toString(), third.toString()), remade.out);
		assertEquals("", remade.err);
		assertArrayEquals(Files.readAllBytes(plain), Files.readAllBytes(third));
		assertTrue(Files.getLastModifiedTime(archive()).compareTo(Files.getLastModifiedTime(JAR)) > 0);
		final List<String> restamped = Files.readAllLines(stamp());
		assertEquals("archive " + Files.size(archive()), restamped.get(restamped.size() - 1));
		assertEquals(List.of(), leftovers());
	}

	@Test
	void badInputOnTheFirstRunExitsTwoAndKeepsNoArchive() throws Exception {
		final Run bad = launch(Map.of(), "salency", "--model", REPO.resolve("models/cells-gap.pt").toString());
		assertEquals(2, bad.status, bad.err);
		assertEquals(1, bad.err.lines().count(), bad.err);
		assertTrue(bad.err.startsWith("error: unknown method 'salency'; did you mean saliency?"), bad.err);
		assertEquals("", bad.out);
		assertFalse(Files.exists(archive()));
		assertFalse(Files.exists(stamp()));
		assertEquals(List.of(), leftovers());
	}

	/** A stand-in for java that prints its arguments and the tunables it was given, and exits 3. */
	private Path fakeJava() throws IOException {
		final Path fake = tmp.resolve("jdk/bin/java");
		Files.createDirectories(fake.getParent());
		Files.writeString(fake, "#!/bin/sh\necho \"GLIBC_TUNABLES=${GLIBC_TUNABLES-unset}\"\nfor a in \"$@\"; do echo \"$a\"; done\nexit 3\n");
		Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
		return fake;
	}

	@Test
	void javaOptionsAndHugePagesReachTheJvmAndItsExitStatusComesBack() throws Exception {
		final Path fake = fakeJava();
		final Run run = launch(Map.of("JAVA", fake.toString(), "GLIBC_TUNABLES", "glibc.malloc.arena_max=2", "EXPLAINIJ_JAVA_OPTS", "-Xmx1g -Dx=y"),
			"saliency", "--model", "m.pt");
		assertEquals(3, run.status, run.err);
		final List<String> printed = run.out.lines().toList();
		assertEquals("GLIBC_TUNABLES=glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1", printed.get(0));
		// a first run: the archive is made into a temporary file beside it, and not kept when the command failed
		assertTrue(printed.get(1).matches("-XX:ArchiveClassesAtExit=" + archive() + "\\.\\w+\\.tmp"), printed.get(1));
		assertEquals(List.of("-Xshare:auto", "-Xlog:cds*=off", "-Xmx1g", "-Dx=y", "-jar", layout.resolve("target/explain-ij.jar").toString(),
			"saliency", "--model", "m.pt"), printed.subList(2, printed.size()));
		assertFalse(Files.exists(archive()));
		assertEquals(List.of(), leftovers());

		final Run plain = launch(Map.of("JAVA_HOME", fake.getParent().getParent().toString(), "EXPLAINIJ_HUGEPAGES", "0", "EXPLAINIJ_CDS", "0"),
			"list", "--x");
		assertEquals(3, plain.status, plain.err);
		assertEquals(List.of("GLIBC_TUNABLES=unset", "-jar", layout.resolve("target/explain-ij.jar").toString(), "list", "--x"), plain.out.lines().toList());

		// a run that loads no model makes no archive: its classes would leave the engine's out
		final Run list = launch(Map.of("JAVA", fake.toString()), "list");
		assertEquals(3, list.status, list.err);
		assertEquals(List.of("GLIBC_TUNABLES=glibc.malloc.hugetlb=1", "-jar", layout.resolve("target/explain-ij.jar").toString(), "list"),
			list.out.lines().toList());
	}

	@Test
	void aMissingJarIsOneLineAndExitStatusTwo() throws Exception {
		Files.delete(layout.resolve("target/explain-ij.jar"));
		final Run run = launch(Map.of(), "list");
		assertEquals(2, run.status);
		assertEquals("", run.out);
		assertEquals("error: " + layout.toRealPath().resolve("target/explain-ij.jar") + " is missing; build it first (in " + layout.toRealPath() +
			", run: mvn -q -B -DskipTests package)\n", run.err);
	}
}
