package io.github.explainij.ij1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The two folders {@code mvn package} assembles for copying over an installation: {@code target/Fiji.app/}
 * holds the plugin and only the jars Fiji does not ship; {@code target/ImageJ/} the plugin and every runtime
 * jar but ImageJ itself. Neither holds test, source or JUnit jars.
 */
class InstallFoldersIT {

	private static final Path TARGET = Path.of(System.getProperty("explainij.imagejInstall", "target/ImageJ")).toAbsolutePath().getParent();

	private static Set<String> names(final Path dir) throws IOException {
		try (Stream<Path> files = Files.list(dir)) {
			return files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
		}
	}

	/** Jar names without their version: {@code pytorch-engine-0.35.1.jar} is {@code pytorch-engine}. */
	private static Set<String> artifacts(final Path dir) throws IOException {
		return names(dir).stream().map(n -> n.replaceFirst("-\\d.*$", "")).collect(Collectors.toCollection(TreeSet::new));
	}

	@Test
	void fijiFolderHoldsThePluginAndOnlyWhatFijiLacks() throws IOException {
		final Path fiji = TARGET.resolve("Fiji.app");
		final Set<String> plugins = names(fiji.resolve("plugins"));
		assertEquals(1, plugins.size(), plugins.toString());
		assertTrue(plugins.iterator().next().matches("explain_ij-[0-9].*\\.jar") && !plugins.iterator().next().contains("-tests")
			&& !plugins.iterator().next().contains("-sources"), plugins.toString());
		assertEquals(Set.of("api", "pytorch-engine", "pytorch-jni", "pytorch-native-cpu"), artifacts(fiji.resolve("jars")));
		assertEquals(Set.of(), names(fiji));
		assertEquals(Set.of("jars", "plugins"), dirs(fiji));
	}

	@Test
	void imagejFolderHoldsThePluginAndEveryRuntimeJarButImageJ() throws IOException {
		final Path ij = TARGET.resolve("ImageJ");
		assertEquals(names(TARGET.resolve("Fiji.app/plugins")), names(ij.resolve("plugins")));
		final Set<String> jars = artifacts(ij.resolve("plugins/jars"));
		assertTrue(jars.containsAll(List.of("api", "pytorch-engine", "pytorch-jni", "pytorch-native-cpu", "scijava-common", "parsington",
			"imglib2", "gson", "jna", "commons-compress", "commons-io", "commons-codec", "slf4j-api")), jars.toString());
		assertTrue(jars.stream().noneMatch(j -> j.equals("ij") || j.startsWith("junit") || j.startsWith("opentest4j") || j.startsWith("apiguardian")),
			jars.toString());
		assertTrue(names(ij.resolve("plugins/jars")).stream().noneMatch(n -> n.endsWith("-sources.jar") || n.endsWith("-tests.jar")), jars.toString());
	}

	private static Set<String> dirs(final Path dir) throws IOException {
		try (Stream<Path> files = Files.list(dir)) {
			return files.filter(Files::isDirectory).map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
		}
	}
}
