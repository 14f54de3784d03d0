package io.github.explainij.command;

import static io.github.explainij.TestData.assertRelativeClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;

import io.github.explainij.TestData;
import io.github.explainij.model.ModelService;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;
import org.scijava.module.Module;
import org.scijava.module.ModuleItem;
import org.scijava.module.ModuleRunner;
import org.scijava.module.ModuleService;
import org.scijava.module.process.PostprocessorPlugin;
import org.scijava.module.process.PreprocessorPlugin;
import org.scijava.plugin.PluginService;

/**
 * A model in use stays alive (issue 8): while a long occlusion run is between two batches, another
 * thread replaces the same model file with another model and explains with it. The long run keeps its
 * network to the end and gives the old model's map; the other thread gets the new model's map. (Before
 * the cache handed out references, the reload closed the network under the running command.)
 */
class ModelReloadWhileRunningTest extends CommandTestContext {

	@TempDir
	Path tmp;

	private static final Map<String, String> OCCLUSION = Map.of("window", "16", "stride", "4", "batch_size", "8", "show_overlay", "false");

	private static float[] map(final Module m) {
		assertNull(ExplainCommands.cancelReason(m));
		return ((float[]) ((ImagePlus) m.getOutput("attribution")).getProcessor().getPixels()).clone();
	}

	private static void copyModel(final String name, final Path to, final long stamp) throws Exception {
		Files.copy(TestData.model(name), to, StandardCopyOption.REPLACE_EXISTING);
		final Path sidecar = to.resolveSibling(to.getFileName().toString().replace(".pt", ".json"));
		Files.copy(TestData.repo().resolve("models/" + name + ".json"), sidecar, StandardCopyOption.REPLACE_EXISTING);
		Files.setLastModifiedTime(to, FileTime.fromMillis(stamp));
		Files.setLastModifiedTime(sidecar, FileTime.fromMillis(stamp));
	}

	@Test
	void aLongRunKeepsItsNetworkWhileTheSameFileIsReloaded() throws Exception {
		// what each model gives on its own
		final float[] gap = map(runCommand("occlusion", TestData.openSample("cells", "foci_002"), TestData.model("cells-gap"), OCCLUSION));
		final float[] bn = map(runCommand("occlusion", TestData.openSample("cells", "foci_002"), TestData.model("cells-bn"), OCCLUSION));
		double apart = 0, largest = 0;
		for (int i = 0; i < gap.length; i++) {
			apart = Math.max(apart, Math.abs(gap[i] - bn[i]));
			largest = Math.max(largest, Math.abs(gap[i]));
		}
		assertTrue(apart > 0.1 * largest, "the two models must give different maps for the test to mean anything");

		final Path model = tmp.resolve("model.pt");
		copyModel("cells-gap", model, System.currentTimeMillis() - 60_000);

		final CommandInfo info = ExplainCommands.byName(context.service(CommandService.class), "occlusion");
		final Module longRun = context.service(ModuleService.class).createModule(info);
		final List<int[]> progress = new ArrayList<>();
		final AtomicReference<float[]> reloaded = new AtomicReference<>();
		final AtomicReference<Throwable> failure = new AtomicReference<>();
		((AttributionCommand) ((CommandModule) longRun).getCommand()).setProgressDisplay((done, total, message) -> {
			progress.add(new int[] { done, total });
			if (done == 0 || done >= total || reloaded.get() != null || failure.get() != null) return;
			// between two batches of the long run: the file changes and is explained from another thread
			final Thread other = new Thread(() -> {
				try {
					copyModel("cells-bn", model, System.currentTimeMillis());
					reloaded.set(map(runCommand("occlusion", TestData.openSample("cells", "foci_002"), model, OCCLUSION)));
				}
				catch (final Throwable t) {
					failure.set(t);
				}
			});
			other.start();
			try {
				other.join();
			}
			catch (final InterruptedException e) {
				Thread.currentThread().interrupt();
			}
		});
		longRun.setInput("image", TestData.openSample("cells", "foci_002"));
		longRun.setInput("model_file", model.toFile());
		longRun.setInput("window", 16.0);
		longRun.setInput("stride", 4.0);
		longRun.setInput("batch_size", 8);
		longRun.setInput("show_overlay", false);
		for (final ModuleItem<?> item : info.inputs()) longRun.resolveInput(item.getName());
		final List<PreprocessorPlugin> pre = context.service(PluginService.class).createInstancesOfType(PreprocessorPlugin.class);
		new ModuleRunner(context, longRun, pre, List.<PostprocessorPlugin> of()).run();

		assertNull(failure.get(), () -> "the reloading thread failed: " + failure.get());
		assertTrue(reloaded.get() != null, "the reload happened during the run");
		// (64 - 16) / 4 + 1 = 13 positions a side: 169 occluded images in batches of 8, the reload after the first
		assertTrue(progress.size() > 10, "batches: " + progress.size());
		assertRelativeClose(gap, map(longRun), 1e-6, "the long run's map is the old model's");
		assertRelativeClose(bn, reloaded.get(), 1e-6, "the reloaded file's map is the new model's");
		// the two shipped files explained above, and one version (the newer) of the replaced file
		assertEquals(3, context.service(ModelService.class).cachedCount());
	}
}
