package io.github.explainij.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;

import io.github.explainij.ExplainException;
import io.github.explainij.target.Target;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A TorchScript network with its sidecar: {@code forward(x)} takes float [B, C, H, W] and returns
 * logits [B, K] (a classifier) or a dense output [B, K, (D,) H, W] (a segmentation network). What is
 * explained is a {@link Target}, a score function on that output; the network knows nothing of classes. Models that follow the explainable convention also expose their stages
 * ({@code layer_names}, {@code forward_layers}, {@code layer_kinds}), which layer-aware methods use.
 * <p>
 * The module always stays in eval mode; gradients come from calling it with autograd on through
 * {@link TorchScriptCalls}. Only one gradient computation runs at a time in the JVM
 * ({@link #GRADIENT_LOCK}), because DJL allows one open {@link GradientCollector}.
 */
public final class Network implements AutoCloseable {

	/** Serializes all gradient work: DJL allows one open GradientCollector at a time. */
	public static final ReentrantLock GRADIENT_LOCK = new ReentrantLock();

	private final Path file;
	private final ModelSpec spec;
	private final Device device;
	private final Model model;
	private final PtSymbolBlock block;
	private final List<String> layerNames;
	private final List<String> layerKinds;

	private Network(final Path file, final ModelSpec spec, final Device device, final Model model) {
		this.file = file;
		this.spec = spec;
		this.device = device;
		this.model = model;
		this.block = (PtSymbolBlock) model.getBlock();
		JniUtils.enableInferenceMode(block);
		this.layerNames = stringList("layer_names");
		final List<String> kinds = layerNames == null ? null : stringList("layer_kinds");
		this.layerKinds = kinds != null && kinds.size() == layerNames.size() ? kinds : null;
	}

	/**
	 * Loads a TorchScript file and its sidecar on the given device.
	 *
	 * @throws ExplainException when the file is missing, not TorchScript, or its sidecar is broken
	 */
	public static Network load(final Path file, final Device device) {
		if (file == null) throw new ExplainException("no model file given: choose a TorchScript file (.pt) saved with torch.jit.save");
		if (!Files.isRegularFile(file)) {
			throw new ExplainException("model file not found: " + file + " (choose a TorchScript .pt file)");
		}
		final ModelSpec spec = ModelSpec.forModel(file);
		Engines.pytorch();
		final Model model = Model.newInstance(spec.name(), device, "PyTorch");
		try {
			final String fileName = file.getFileName().toString();
			final String prefix = fileName.contains(".") ? fileName.substring(0, fileName.lastIndexOf('.')) : fileName;
			model.load(file.toAbsolutePath(), prefix, java.util.Map.of("trainParam", "true"));
			if (!(model.getBlock() instanceof PtSymbolBlock)) {
				throw new ExplainException("the model file " + file + " did not load as a TorchScript module");
			}
			return new Network(file, spec, device, model);
		}
		catch (IOException | MalformedModelException | EngineException | IllegalArgumentException e) {
			model.close();
			throw new ExplainException("cannot load the model " + file.getFileName() + " as TorchScript: " +
				oneLine(e.getMessage()) + ". Save the model with torch.jit.save(torch.jit.script(model), path) " +
				"(see models/explainable.py)", e);
		}
		catch (final RuntimeException e) {
			model.close();
			throw e;
		}
	}

	/** The line of an engine's message that says what failed (a TorchScript error's exception line, not its header). */
	static String oneLine(final String message) {
		return io.github.explainij.Failure.firstMeaningfulLine(message);
	}

	private List<String> stringList(final String method) {
		if (!hasMethod(method)) return null;
		try (IValue out = TorchScriptCalls.run(block, method, false)) {
			final List<String> names = new ArrayList<>();
			for (final IValue v : out.toIValueArray()) {
				names.add(v.toStringValue());
				v.close();
			}
			return Collections.unmodifiableList(names);
		}
		catch (final RuntimeException e) {
			return null;
		}
	}

	private boolean hasMethod(final String method) {
		try {
			final Class<?> lib = Class.forName("ai.djl.pytorch.jni.PyTorchLibrary");
			final java.lang.reflect.Field f = lib.getDeclaredField("LIB");
			f.setAccessible(true);
			final java.lang.reflect.Method names = lib.getDeclaredMethod("moduleGetMethodNames", long.class);
			names.setAccessible(true);
			for (final String n : (String[]) names.invoke(f.get(null), block.getHandle())) {
				if (n.equals(method)) return true;
			}
			return false;
		}
		catch (final ReflectiveOperationException e) {
			return true; // let the call itself tell
		}
	}

	public Path file() { return file; }

	public ModelSpec spec() { return spec; }

	public Device device() { return device; }

	/** The model's own manager; create sub-managers from it for each computation. */
	public NDManager manager() { return model.getNDManager(); }

	/** Whether the model exposes its stages (layer_names and forward_layers). */
	public boolean hasStages() { return layerNames != null; }

	/** Stage names in order, or an empty list. */
	public List<String> layerNames() { return layerNames == null ? List.of() : layerNames; }

	/** Stage kinds ("conv", "relu", ...) in order, or an empty list when the model does not say. */
	public List<String> layerKinds() { return layerKinds == null ? List.of() : layerKinds; }

	/** Fails with a clear message when a layer-aware method meets a model without stages. */
	public void requireStages(final String method) {
		if (!hasStages()) {
			throw new ExplainException(method + " needs a model that exposes its stages (layer_names and forward_layers); " +
				file.getFileName() + " does not. Export it with models/explainable.py");
		}
	}

	/** The index of a stage by name. */
	public int stageIndex(final String name) {
		requireStages("choosing a layer");
		final int i = layerNames.indexOf(name);
		if (i < 0) throw new ExplainException("the model has no stage '" + name + "'; its stages are " + layerNames);
		return i;
	}

	/**
	 * A parameter of the TorchScript module by its full name (e.g. {@code stages.0.weight} for a model
	 * exported by models/explainable.py), or null when the module has none of that name. Rules that
	 * modify weights (LRP's z+, alpha-beta, z-box) read them here. The array belongs to the model: read
	 * it (e.g. {@code toFloatArray()}), never close or modify it.
	 */
	public NDArray parameter(final String name) {
		for (final ai.djl.util.Pair<String, ai.djl.nn.Parameter> p : block.getParameters()) {
			if (p.getKey().equals(name) || p.getValue().getName().equals(name)) return p.getValue().getArray();
		}
		return null;
	}

	/**
	 * The transform from this source image's raw values to network input.
	 *
	 * @param planes raw pixel values, one array per channel, row-major
	 */
	public InputTransform transformFor(final float[][] planes) {
		if (spec.channels() > 0 && spec.channels() != planes.length) {
			throw new ExplainException("the model " + spec.name() + " takes " + spec.channels() + " channel(s) but the image has " +
				planes.length + ". " + (spec.channels() == 3 ? "Convert it with Image > Type > RGB Color, " :
					spec.channels() == 1 ? "Pick one channel (Image > Duplicate...) or convert to 8-bit, " : "") +
				"or choose a model trained for " + planes.length + " channel(s).");
		}
		final double[][] affine = spec.normalization().affineFor(planes);
		// a volumetric model takes the volume at its own size (ExplainRequest checks a fixed size)
		return spec.isVolumetric() ? new InputTransform(affine[0], affine[1], 0, 0)
			: new InputTransform(affine[0], affine[1], spec.height(), spec.width());
	}

	/**
	 * Runs the network.
	 *
	 * @param input network input [B, C, H, W] (already normalized)
	 * @param grad whether autograd records the call
	 * @return the output [B, K] or [B, K, (D,) H, W], attached to the input's manager
	 */
	public NDArray forward(final NDArray input, final boolean grad) {
		try (IValue in = IValue.from((PtNDArray) input); IValue out = TorchScriptCalls.run(block, "forward", grad, in)) {
			return output(out, input);
		}
		catch (final EngineException e) {
			throw modelFailed(e, input.getShape());
		}
	}

	/**
	 * Applies stages {@code start .. end-1} (explainable convention).
	 *
	 * @param a the input when start == 0, else the output of stage start-1
	 */
	public NDArray forwardLayers(final NDArray a, final int start, final int end, final boolean grad) {
		requireStages("this method");
		try (IValue in = IValue.from((PtNDArray) a); IValue s = IValue.from((long) start); IValue e = IValue.from((long) end);
			IValue out = TorchScriptCalls.run(block, "forward_layers", grad, in, s, e))
		{
			return out.toTensor((PtNDManager) a.getManager());
		}
		catch (final EngineException e) {
			throw modelFailed(e, a.getShape());
		}
	}

	private NDArray output(final IValue out, final NDArray input) {
		if (!out.isTensor()) {
			throw new ExplainException("the model's forward returned " + out.getType() + ", not a tensor of logits [B, K] or " +
				"a dense output [B, K, (D,) H, W]");
		}
		final NDArray output = out.toTensor((PtNDManager) input.getManager());
		final Shape s = output.getShape();
		if (s.dimension() < 2 || s.dimension() > 5 || s.get(0) != input.getShape().get(0)) {
			throw new ExplainException("the model's forward returned shape " + s + " for a batch of " + input.getShape().get(0) +
				"; a classifier must return logits [B, K], a segmentation network [B, K, (D,) H, W]");
		}
		if (s.dimension() > 2 && s.dimension() == input.getShape().dimension()) {
			final long[] in = input.getShape().getShape(), outShape = s.getShape();
			for (int d = 2; d < outShape.length; d++) {
				if (in[d] != outShape[d]) {
					throw new ExplainException("the segmentation model " + spec.name() + " returned a map of " + s.slice(2) + " for an input of " +
						input.getShape().slice(2) + ": its output must have the input's size. Give an image whose size the model keeps " +
						"(e.g. a multiple of its pooling factor, such as 4 or 16; crop with Image > Crop)");
				}
			}
		}
		return output;
	}

	private ExplainException modelFailed(final EngineException e, final Shape shape) {
		return new ExplainException("the model " + spec.name() + " could not run on an input of shape " + shape +
			" [B, C, H, W]: " + oneLine(e.getMessage()) + ". Check the image's channel count and size against what the model " +
			"was trained on (write them in the sidecar " + ModelSpec.sidecarOf(file).getFileName() + ").", e);
	}

	/**
	 * Gradient of a target's score with respect to raw pixel values, for a batch of raw images.
	 *
	 * @param raw raw pixel values [B, C, H, W] (not modified)
	 * @param transform raw values to network input
	 * @param target the score differentiated, for every sample
	 * @return the gradient (same shape as raw) and the scores
	 */
	public ScoreGradient scoreGradient(final float[] raw, final Shape shape, final InputTransform transform, final Target target) {
		return autograd((scope, collector) -> {
			final NDArray x = scope.create(raw, shape);
			x.setRequiresGradient(true);
			final NDArray perSample = target.score(forward(transform.apply(x), true));
			collector.backward(perSample.sum());
			return new ScoreGradient(x.getGradient().toFloatArray(), perSample.toFloatArray());
		});
	}

	/** Work done while autograd records; see {@link #autograd(AutogradWork)}. */
	@FunctionalInterface
	public interface AutogradWork<T> {

		/**
		 * @param scope a manager for this work's arrays, closed afterwards (copy results to Java arrays)
		 * @param collector the open gradient collector: {@code collector.backward(scalar)}
		 */
		T run(NDManager scope, GradientCollector collector);
	}

	/**
	 * Runs work with autograd on, one such work at a time in the JVM (DJL allows one open
	 * {@link GradientCollector}). Native memory of the work is released when it returns. Use
	 * {@link #forward(NDArray, boolean)} / {@link #forwardLayers(NDArray, int, int, boolean)} with
	 * {@code grad = true} inside; the module stays in eval mode.
	 */
	public <T> T autograd(final AutogradWork<T> work) {
		GRADIENT_LOCK.lock();
		try (NDManager scope = manager().newSubManager();
			GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector())
		{
			return work.run(scope, collector);
		}
		finally {
			GRADIENT_LOCK.unlock();
		}
	}

	/**
	 * Runs a batch of raw images without gradient and reads the output through {@code readout} (e.g. a
	 * target's scores), in one native scope released before returning.
	 *
	 * @return the readout's values, row-major
	 */
	public float[] evaluate(final float[] raw, final Shape shape, final InputTransform transform,
		final java.util.function.UnaryOperator<NDArray> readout)
	{
		try (NDManager scope = manager().newSubManager()) {
			return readout.apply(forward(transform.apply(scope.create(raw, shape)), false)).toFloatArray();
		}
	}

	/**
	 * The network's output for a batch of raw images (no gradient): logits [B, K] of a classifier.
	 *
	 * @return the output, row-major
	 */
	public float[] logits(final float[] raw, final Shape shape, final InputTransform transform) {
		return evaluate(raw, shape, transform, o -> o);
	}

	@Override
	public void close() {
		model.close();
	}

	/** A gradient computation's result. */
	public static final class ScoreGradient {

		private final float[] gradient;
		private final float[] scores;

		ScoreGradient(final float[] gradient, final float[] scores) {
			this.gradient = gradient;
			this.scores = scores;
		}

		/** d score / d raw pixel, same layout as the raw input. */
		public float[] gradient() { return gradient; }

		/** The differentiated score of each sample. */
		public float[] scores() { return scores; }
	}
}
