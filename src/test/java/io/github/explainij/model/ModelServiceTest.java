package io.github.explainij.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.types.Shape;

import io.github.explainij.ExplainException;
import io.github.explainij.TestData;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;

/** The engine service: model cache, reload on change, release on dispose, device choice. */
class ModelServiceTest {

	@TempDir
	Path tmp;

	@Test
	void cachesReloadsChangedFilesAndReleasesOnDispose() throws Exception {
		final Path model = tmp.resolve("m.pt");
		Files.copy(TestData.testModel("linear-8x8"), model);
		Files.copy(TestData.repo().resolve("src/test/resources/models/linear-8x8.json"), tmp.resolve("m.json"));
		final Context context = new Context(ModelService.class);
		final ModelService service = context.service(ModelService.class);
		final ModelService.Loaded held = service.load(model.toFile(), "cpu");
		final Network first = held.network();
		try (ModelService.Loaded again = service.load(model.toFile(), "cpu")) {
			assertSame(first, again.network(), "second load comes from the cache");
		}
		assertEquals(3, first.spec().classes().size());

		// an edited sidecar is picked up as a new entry; the older network stays alive while it is held
		Files.writeString(tmp.resolve("m.json"), "{\"classes\": [\"x\", \"y\", \"z\"]}");
		Files.setLastModifiedTime(tmp.resolve("m.json"), FileTime.fromMillis(System.currentTimeMillis() + 5000));
		final ModelService.Loaded newer = service.load(model.toFile(), "cpu");
		final Network second = newer.network();
		assertNotSame(first, second);
		assertEquals("y", second.spec().className(1));
		assertEquals(1, service.cachedCount(), "the older version left the cache");
		final float[] logits = first.logits(new float[64], new Shape(1, 1, 8, 8), first.transformFor(new float[][] { new float[64] }));
		assertEquals(3, logits.length, "the held older network still runs");
		held.close();
		assertClosed(first);
		held.close(); // a second close does nothing (the count must not go below zero)

		// disposing while a run holds a network closes it only when that run lets go
		context.dispose();
		assertEquals(3, second.logits(new float[64], new Shape(1, 1, 8, 8), second.transformFor(new float[][] { new float[64] })).length);
		newer.close();
		assertClosed(second);
	}

	private static void assertClosed(final Network n) {
		// a closed network's native module is gone
		assertThrows(RuntimeException.class, () -> n.logits(new float[64], new Shape(1, 1, 8, 8), n.transformFor(new float[][] { new float[64] })));
	}

	@Test
	void deviceChoice() {
		assertEquals(Device.cpu(), Engines.choose("cpu").device());
		assertNull(Engines.choose("cpu").note());
		final Engines.Choice gpu = Engines.choose("gpu");
		if (Engines.pytorch().getGpuCount() == 0) {
			// no CUDA here: the CPU is used and the user is told why
			assertEquals(Device.cpu(), gpu.device());
			assertNotNull(gpu.note());
			assertTrue(gpu.note().contains("PYTORCH_LIBRARY_PATH"), gpu.note());
			assertEquals(Device.cpu(), Engines.choose("auto").device());
		}
		else {
			assertEquals(Device.gpu(0), gpu.device());
		}
		assertTrue(assertThrows(ExplainException.class, () -> Engines.choose("tpu")).getMessage().contains("auto, cpu or gpu"));
	}
}
