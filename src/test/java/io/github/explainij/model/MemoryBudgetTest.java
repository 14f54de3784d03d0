package io.github.explainij.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.explainij.ExplainException;
import io.github.explainij.TestData;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The memory budget: its setting, the estimate (activations measured by the probe and scaled by the
 * pixel count), batch sizes under it, and the refusal, with small budgets and no large image.
 */
class MemoryBudgetTest {

	@AfterEach
	void clearSetting() {
		System.clearProperty(MemoryBudget.PROPERTY);
	}

	private static Network gap() {
		return TestData.network(TestData.model("cells-gap"));
	}

	@Test
	void settingsParse() {
		assertEquals(6L << 30, MemoryBudget.parse("6G", "x"));
		assertEquals(512L << 20, MemoryBudget.parse("512M", "x"));
		assertEquals(512L << 20, MemoryBudget.parse("512MB", "x"));
		assertEquals(3L << 29, MemoryBudget.parse("1.5g", "x"));
		assertEquals(4096, MemoryBudget.parse("4K", "x"));
		assertEquals(1000, MemoryBudget.parse("1000", "x"));
		final long available = MemoryBudget.availableBytes();
		assertTrue(available > 0);
		// the available memory moves a little between two readings
		assertEquals(0.5 * available, MemoryBudget.parse("50%", "x"), 0.1 * available);
		for (final String bad : new String[] { "lots", "-1G", "0", "150%", "", "G" }) {
			final ExplainException e = assertThrows(ExplainException.class, () -> MemoryBudget.parse(bad, "--memory " + bad));
			assertTrue(e.getMessage().startsWith("--memory " + bad + " must be a memory size such as 6G or 512M"), e.getMessage());
		}
		System.setProperty(MemoryBudget.PROPERTY, "3G");
		assertEquals(3L << 30, MemoryBudget.bytes());
		assertTrue(MemoryBudget.describeBudget().startsWith("3.0 GB, set by the memory setting (explainij.memory=3G)"), MemoryBudget.describeBudget());
		System.setProperty(MemoryBudget.PROPERTY, "many");
		assertTrue(assertThrows(ExplainException.class, MemoryBudget::bytes).getMessage().contains("explainij.memory=many"));
		System.clearProperty(MemoryBudget.PROPERTY);
		assertEquals(MemoryBudget.DEFAULT_SHARE * MemoryBudget.availableBytes(), MemoryBudget.bytes(), 0.1 * available);
		assertEquals("512 MB", MemoryBudget.format(512L << 20));
		assertEquals("3.2 GB", MemoryBudget.format((long) (3.2 * (1L << 30))));
	}

	@Test
	void activationsAreMeasuredOnceAndScaleWithThePixels() {
		final Network net = gap();
		final long small = MemoryBudget.activationBytes(new MemoryBudget.Work(net, 1, 1, 128, 128));
		// cells-gap keeps tens of feature maps at the input's resolution: far more than the 64 KB input
		assertTrue(small > 20 * 128 * 128 * 4L && small < 1000 * 128 * 128 * 4L, "activations at 128x128: " + small);
		// an image 64 times larger is probed at 128x128 and scaled by the pixel count
		assertEquals(small * 64, MemoryBudget.activationBytes(new MemoryBudget.Work(net, 1, 1, 1024, 1024)));
		assertEquals(small * 4096, MemoryBudget.activationBytes(new MemoryBudget.Work(net, 1, 1, 8192, 8192)));
		// a model with a fixed input size is run at that size whatever the image's: its activations do not grow
		final Network bn = TestData.network(TestData.model("cells-bn"));
		assertEquals(MemoryBudget.activationBytes(new MemoryBudget.Work(bn, 1, 1, 64, 64)),
			MemoryBudget.activationBytes(new MemoryBudget.Work(bn, 1, 1, 4096, 4096)));
	}

	/** The automatic batch holds about SPEED_ACTIVATION_BYTES of activations (at least one sample); a user's batch_size is kept. */
	@Test
	void automaticBatchesAimAtTheSpeedTargetOfActivations() {
		final Network net = gap();
		for (final int size : new int[] { 64, 256, 512 }) {
			final MemoryBudget.Work work = new MemoryBudget.Work(net, 1, 1, size, size);
			final long act = MemoryBudget.activationBytes(work);
			final int forward = (int) Math.max(1, Math.min(64, MemoryBudget.SPEED_ACTIVATION_BYTES / act));
			assertEquals(forward, MemoryBudget.batchSize(work, 0, 1000, 64, MemoryBudget.Pass.FORWARD).batch(), size + "x" + size);
			final int gradient = (int) Math.max(1, Math.min(64, MemoryBudget.SPEED_ACTIVATION_BYTES / (act * 3 / 2)));
			assertEquals(gradient, MemoryBudget.batchSize(work, 0, 1000, 64, MemoryBudget.Pass.GRADIENT).batch(), size + "x" + size);
			assertEquals(7, MemoryBudget.batchSize(work, 7, 1000, 64, MemoryBudget.Pass.FORWARD).batch());
		}
		// cells-gap's stage outputs alone take 15.5 MB per 256x256 image (the measured activations are never less):
		// at most 4 per batch, and one 512x512 image at a time
		final int at256 = MemoryBudget.batchSize(new MemoryBudget.Work(net, 1, 1, 256, 256), 0, 1000, 64, MemoryBudget.Pass.FORWARD).batch();
		assertTrue(at256 >= 1 && at256 <= 4, "batch at 256x256: " + at256);
		assertEquals(1, MemoryBudget.batchSize(new MemoryBudget.Work(net, 1, 1, 512, 512), 0, 1000, 64, MemoryBudget.Pass.FORWARD).batch());
	}

	@Test
	void estimateAddsImageBatchAndActivations() {
		final MemoryBudget.Work work = new MemoryBudget.Work(gap(), 1, 1, 64, 64);
		final long raw = 64 * 64 * 4L, act = MemoryBudget.activationBytes(work);
		final MemoryBudget.Estimate g1 = MemoryBudget.estimate(work, 1, MemoryBudget.Pass.GRADIENT);
		final MemoryBudget.Estimate g5 = MemoryBudget.estimate(work, 5, MemoryBudget.Pass.GRADIENT);
		assertEquals(4 * raw + 2 * raw, g1.javaBytes());
		assertEquals(3 * raw + 2 * raw + act * 3 / 2, g1.nativeBytes());
		assertEquals(act * 3 / 2, g1.activationBytes());
		// the image's copies are held once, the batch's values and activations once per sample
		assertEquals(4 * raw + 5 * 2 * raw, g5.javaBytes());
		assertEquals(5 * g1.nativeBytes(), g5.nativeBytes());
		final MemoryBudget.Estimate f1 = MemoryBudget.estimate(work, 1, MemoryBudget.Pass.FORWARD);
		assertEquals(4 * raw + raw, f1.javaBytes());
		assertEquals(2 * raw + raw + act, f1.nativeBytes());
	}

	@Test
	void batchesFitTheBudgetAndAUsersBatchIsCappedWithANote() {
		final MemoryBudget.Work work = new MemoryBudget.Work(gap(), 1, 1, 64, 64);
		final MemoryBudget.Estimate one = MemoryBudget.estimate(work, 1, MemoryBudget.Pass.GRADIENT);
		final long perSample = MemoryBudget.estimate(work, 2, MemoryBudget.Pass.GRADIENT).total() - one.total();
		final long fixed = one.total() - perSample;
		// a budget of fixed + 7.5 samples holds 7
		System.setProperty(MemoryBudget.PROPERTY, Long.toString(fixed + perSample * 15 / 2));
		final MemoryBudget.BatchChoice auto = MemoryBudget.batchSize(work, 0, 1000, 64, MemoryBudget.Pass.GRADIENT);
		assertEquals(7, auto.batch());
		assertNull(auto.note());
		assertEquals(5, MemoryBudget.batchSize(work, 5, 1000, 64, MemoryBudget.Pass.GRADIENT).batch());
		assertEquals(3, MemoryBudget.batchSize(work, 0, 3, 64, MemoryBudget.Pass.GRADIENT).batch());
		final MemoryBudget.BatchChoice capped = MemoryBudget.batchSize(work, 100000, 10000, 64, MemoryBudget.Pass.GRADIENT);
		assertEquals(7, capped.batch());
		assertTrue(capped.note().startsWith("batch_size 100000 capped to 7: the memory budget of "), capped.note());
		assertTrue(capped.note().endsWith("holds 7 64x64 image(s) per pass"), capped.note());

		// with memory to spare, a Java array is the limit: 2^31 values hold 8191 images of 512x512
		System.setProperty(MemoryBudget.PROPERTY, "1000T");
		final MemoryBudget.BatchChoice array = MemoryBudget.batchSize(new MemoryBudget.Work(gap(), 1, 1, 512, 512), 100000, 10000, 64,
			MemoryBudget.Pass.GRADIENT);
		assertEquals((Integer.MAX_VALUE - 8) / (512 * 512), array.batch());
		assertEquals("batch_size 100000 capped to 8191: a Java array holds 8191 512x512 image(s)", array.note());
	}

	@Test
	void aRunThatCannotFitIsRefusedWithTheEstimateTheBudgetAndWhatToDo() {
		// the 8192x8192 image through cells-gap, estimated without allocating it
		final MemoryBudget.Work work = new MemoryBudget.Work(gap(), 1, 1, 8192, 8192);
		final MemoryBudget.Estimate e = MemoryBudget.estimate(work, 1, MemoryBudget.Pass.GRADIENT);
		System.setProperty(MemoryBudget.PROPERTY, "10G");
		assertTrue(e.total() > 10L << 30, "estimate " + MemoryBudget.format(e.total()));
		final ExplainException refused = assertThrows(ExplainException.class, () -> MemoryBudget.requireOnePass(work, MemoryBudget.Pass.GRADIENT));
		final String m = refused.getMessage();
		assertTrue(m.startsWith("this run needs about " + MemoryBudget.format(e.total()) + " of memory (" +
			MemoryBudget.format(e.activationBytes()) + " of them for the activations of cells-gap on one 8192x8192 image"), m);
		assertTrue(m.contains("but the memory budget is 10.0 GB, set by the memory setting (explainij.memory=10G)"), m);
		assertTrue(m.contains("Explain a smaller image (Image > Scale) or a crop"), m);
		assertTrue(m.contains("--memory 12G"), m);
		assertEquals(1, m.lines().count());
		// with the budget raised it fits (a 1024x1024 image: the test's Java heap could not hold the large one's maps)
		final MemoryBudget.Work smaller = new MemoryBudget.Work(gap(), 1, 1, 1024, 1024);
		final long needs = MemoryBudget.estimate(smaller, 1, MemoryBudget.Pass.GRADIENT).total();
		System.setProperty(MemoryBudget.PROPERTY, Long.toString(needs - 1));
		assertThrows(ExplainException.class, () -> MemoryBudget.requireOnePass(smaller, MemoryBudget.Pass.GRADIENT));
		System.setProperty(MemoryBudget.PROPERTY, Long.toString(needs));
		MemoryBudget.requireOnePass(smaller, MemoryBudget.Pass.GRADIENT);
		// the Java arrays must fit the Java heap too: 40000x40000 floats are 6.4 GB, six copies more than any test heap
		System.setProperty(MemoryBudget.PROPERTY, "1000T");
		final ExplainException heap = assertThrows(ExplainException.class,
			() -> MemoryBudget.requireOnePass(new MemoryBudget.Work(gap(), 1, 1, 40000, 40000), MemoryBudget.Pass.GRADIENT));
		assertTrue(heap.getMessage().startsWith("this run needs about 35.8 GB of Java memory for the 40000x40000 image and its maps, but only "),
			heap.getMessage());
		assertTrue(heap.getMessage().contains("Raise the maximum (Edit > Options > Memory & Threads in ImageJ, -Xmx on the command line)"));
		// an image larger than a Java array is refused whatever the budget
		System.setProperty(MemoryBudget.PROPERTY, "1000T");
		final ExplainException huge = assertThrows(ExplainException.class,
			() -> MemoryBudget.requireOnePass(new MemoryBudget.Work(gap(), 3, 1, 30000, 30000), MemoryBudget.Pass.FORWARD));
		assertTrue(huge.getMessage().startsWith("the image has 2700000000 values (3 channel(s) of 30000x30000)"), huge.getMessage());
	}
}
