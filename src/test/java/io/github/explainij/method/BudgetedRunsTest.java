package io.github.explainij.method;

import static io.github.explainij.TestData.assertRelativeClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.explainij.ExplainException;
import io.github.explainij.TestData;
import io.github.explainij.cli.Main;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.method.gradient.Integration;
import io.github.explainij.method.gradient.IntegratedGradients;
import io.github.explainij.method.perturbation.Fill;
import io.github.explainij.method.perturbation.OcclusionSensitivity;
import io.github.explainij.model.MemoryBudget;
import io.github.explainij.target.ScoreKind;
import io.github.explainij.target.TargetSpec;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Methods run under the memory budget (issue 8): a user's batch_size above what the budget holds is
 * capped, with a note in the result, and gives the same map; a run that cannot fit one image is refused
 * with the estimate and the budget, by the method and on the command line (exit 2, one line, the input
 * untouched, no output written). Small budgets, small images.
 */
class BudgetedRunsTest {

	@TempDir
	Path tmp;

	@AfterEach
	void clearSetting() {
		System.clearProperty(MemoryBudget.PROPERTY);
	}

	private static ExplainRequest request() {
		return new ExplainRequest(TestData.network(TestData.model("cells-gap")),
			ImagePlusAdapter.currentPlanes(TestData.openSample("cells", "mitotic_002")), TargetSpec.predicted(), ScoreKind.LOGIT);
	}

	/** A budget that holds the fixed part and {@code samples} samples (and a half) of a pass. */
	private static String budgetFor(final ExplainRequest r, final MemoryBudget.Pass pass, final int samples) {
		final long one = MemoryBudget.estimate(r.memoryWork(), 1, pass).total();
		final long perSample = MemoryBudget.estimate(r.memoryWork(), 2, pass).total() - one;
		// the first pass of every method is checked as a gradient pass of one sample: keep that inside too
		final long first = MemoryBudget.estimate(r.memoryWork(), 1, MemoryBudget.Pass.GRADIENT).total();
		return Long.toString(Math.max(first, one - perSample + perSample * samples + perSample / 2));
	}

	private static float[] values(final Attribution a) {
		return ImagePlusAdapter.toChw(a.map());
	}

	@Test
	void integratedGradientsCapsAHugeBatchSizeAndGivesTheSameMap() {
		final float[] free = values(new IntegratedGradients(64, Integration.parse("gausslegendre"), "zero", 1, 0, false).explain(request()));
		System.setProperty(MemoryBudget.PROPERTY, budgetFor(request(), MemoryBudget.Pass.GRADIENT, 5));
		// steps=10000 batch_size=100000 threw NegativeArraySizeException before the budget; steps 64 keep the test short
		final Attribution capped = new IntegratedGradients(64, Integration.parse("gausslegendre"), "zero", 1, 100000, false).explain(request());
		final String note = capped.parameters().get("batch_size");
		assertTrue(note.startsWith("batch_size 100000 capped to 5: the memory budget of "), note);
		assertTrue(note.endsWith(" holds 5 64x64 image(s) per pass"), note);
		assertRelativeClose(free, values(capped), 1e-6, "capped IG");
	}

	@Test
	void occlusionCapsAHugeBatchSizeAndGivesTheSameMap() {
		final float[] free = values(new OcclusionSensitivity(16, 8, Fill.parse("zero", 0, false), 0).explain(request()));
		System.setProperty(MemoryBudget.PROPERTY, budgetFor(request(), MemoryBudget.Pass.FORWARD, 3));
		final Attribution capped = new OcclusionSensitivity(16, 8, Fill.parse("zero", 0, false), 100000).explain(request());
		final String note = capped.parameters().get("batch_size");
		assertTrue(note.startsWith("batch_size 100000 capped to "), note);
		// a forward pass holds fewer bytes than the gradient pass the budget was sized on: at least the 3 asked for
		final int batch = Integer.parseInt(note.substring("batch_size 100000 capped to ".length(), note.indexOf(':')));
		assertTrue(batch >= 3 && batch < 49, note);
		assertRelativeClose(free, values(capped), 1e-6, "capped occlusion");
	}

	@Test
	void aRunThatCannotFitIsRefusedByTheMethodAndOnTheCommandLine() throws Exception {
		System.setProperty(MemoryBudget.PROPERTY, "64K");
		final ExplainException e = assertThrows(ExplainException.class, () -> new SaliencyMap(true, false).explain(request()));
		assertTrue(e.getMessage().startsWith("this run needs about "), e.getMessage());
		assertTrue(e.getMessage().contains("of them for the activations of cells-gap on one 64x64 image"), e.getMessage());
		assertTrue(e.getMessage().contains("the memory budget is 64 KB"), e.getMessage());
		System.clearProperty(MemoryBudget.PROPERTY);

		final Path image = tmp.resolve("cell.tif");
		Files.copy(TestData.sample("cells", "mitotic_002"), image);
		final byte[] before = Files.readAllBytes(image);
		final Path out = tmp.resolve("map.tif");
		final ByteArrayOutputStream stdout = new ByteArrayOutputStream(), stderr = new ByteArrayOutputStream();
		final int status = Main.run(new String[] { "saliency", "--model", TestData.model("cells-gap").toString(), "--image", image.toString(),
			"--out", out.toString(), "--memory", "64K" }, new PrintStream(stdout, true, StandardCharsets.UTF_8),
			new PrintStream(stderr, true, StandardCharsets.UTF_8));
		final String err = stderr.toString(StandardCharsets.UTF_8).strip();
		assertEquals(2, status, err);
		assertEquals(1, err.lines().count(), err);
		assertTrue(err.startsWith("error: this run needs about "), err);
		assertTrue(err.contains("but the memory budget is 64 KB, set by the memory setting (explainij.memory=64K)"), err);
		assertArrayEquals(before, Files.readAllBytes(image));
		assertFalse(Files.exists(out));
		assertEquals(null, System.getProperty(MemoryBudget.PROPERTY), "--memory holds for its run only");

		// a bad --memory value is bad input
		stderr.reset();
		assertEquals(2, Main.run(new String[] { "saliency", "--model", TestData.model("cells-gap").toString(), "--image", image.toString(),
			"--memory", "lots" }, new PrintStream(stdout, true, StandardCharsets.UTF_8), new PrintStream(stderr, true, StandardCharsets.UTF_8)));
		assertEquals("error: --memory lots must be a memory size such as 6G or 512M, or a share of the available memory such as 70%, not 'lots'",
			stderr.toString(StandardCharsets.UTF_8).strip());
	}
}
