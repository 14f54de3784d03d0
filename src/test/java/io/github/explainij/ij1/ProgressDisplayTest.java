package io.github.explainij.ij1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.explainij.TestData;
import io.github.explainij.command.AttributionCommand;
import io.github.explainij.command.ExplainCommands;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.scijava.Context;
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
 * The progress a command reports reaches the display the ImageJ 1.x bridge gives it (ImageJ's status and
 * progress bars there), directly and in order: SciJava's own status events arrive later and in any order,
 * and plain ImageJ shows none of them.
 */
class ProgressDisplayTest {

	@Test
	void occlusionReportsEveryBatchInOrderUpToTheEnd() {
		final Context context = new Context();
		try {
			final CommandInfo info = ExplainCommands.byName(context.service(CommandService.class), "occlusion");
			final Module module = context.service(ModuleService.class).createModule(info);
			final List<int[]> seen = new ArrayList<>();
			final List<String> messages = new ArrayList<>();
			((AttributionCommand) ((CommandModule) module).getCommand()).setProgressDisplay((done, total, message) -> {
				seen.add(new int[] { done, total });
				messages.add(message);
			});
			module.setInput("image", TestData.openSample("cells", "foci_002"));
			module.setInput("model_file", TestData.model("cells-gap").toFile());
			module.setInput("stride", 8.0);
			module.setInput("batch_size", 16);
			for (final ModuleItem<?> item : info.inputs()) module.resolveInput(item.getName());
			final List<PreprocessorPlugin> pre = context.service(PluginService.class).createInstancesOfType(PreprocessorPlugin.class);
			new ModuleRunner(context, module, pre, List.<PostprocessorPlugin> of()).run();
			assertNull(ExplainCommands.cancelReason(module));

			// (64 - 16) / 8 + 1 = 7 positions a side: 49 occluded images and the image itself, in batches of 16
			final int total = seen.get(0)[1];
			assertTrue(total == 49 || total == 50, "total " + total);
			assertEquals(0, seen.get(0)[0]);
			assertEquals(total, seen.get(seen.size() - 1)[0]);
			assertTrue(seen.size() >= 4, "updates: " + seen.size());
			for (int i = 1; i < seen.size(); i++) {
				assertTrue(seen.get(i)[0] >= seen.get(i - 1)[0], "progress went back at update " + i);
				assertEquals(total, seen.get(i)[1]);
			}
			// a run this short (64x64, 50 passes) does not announce how long it will take
			assertTrue(messages.stream().allMatch(m -> m == null), messages.toString());
		}
		finally {
			context.dispose();
		}
	}
}
