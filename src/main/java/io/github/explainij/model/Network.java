package io.github.explainij.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
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
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
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
	/** Why the stages cannot be trusted (forward_layers differs from forward on a test input), or null. */
	private final String stagesProblem;

	private Network(final Path file, final ModelSpec spec, final Device device, final Model model) {
		this.file = file;
		this.spec = spec;
		this.device = device;
		this.model = model;
		this.block = (PtSymbolBlock) model.getBlock();
		JniUtils.enableInferenceMode(block);
		withoutParameterGradients(block);
		this.layerNames = stringList("layer_names");
		final List<String> kinds = layerNames == null ? null : stringList("layer_kinds");
		this.layerKinds = kinds != null && kinds.size() == layerNames.size() ? kinds : null;
		this.stagesProblem = layerNames == null ? null : checkStages();
	}

	/**
	 * Every method differentiates with respect to the input (or an activation), never the weights. The
	 * module is loaded with trainParam=true (inference tensors cannot be part of a backward pass), which
	 * makes every parameter require a gradient, so each backward pass would also compute every weight's
	 * gradient; switching that off took forward + backward from 18.7 to 14.1 ms per 256x256 image (issue 12).
	 */
	private static void withoutParameterGradients(final PtSymbolBlock block) {
		for (final ai.djl.util.Pair<String, ai.djl.nn.Parameter> p : block.getParameters()) {
			final NDArray weights = p.getValue().getArray();
			if (weights.getDataType().isFloating()) weights.setRequiresGradient(false);
		}
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
		if (spec.sha256() != null) checkSha256(file, spec);
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

	/**
	 * Loads a private copy of a model whose weights may then be changed ({@link #setParameter(String, float[])})
	 * or trained ({@link #trainParameters()}): a new module, never the shared one of {@code ModelService}'s
	 * cache. The model file is only read. Close it when done.
	 */
	public static Network loadPrivate(final Path file, final Device device) {
		return load(file, device);
	}

	/**
	 * Gives every floating parameter of a private copy a gradient again (switched off at load: see
	 * {@link #withoutParameterGradients}), so that backward passes fill them for training.
	 */
	public void trainParameters() {
		for (final ai.djl.util.Pair<String, ai.djl.nn.Parameter> p : block.getParameters()) {
			final NDArray weights = p.getValue().getArray();
			if (weights.getDataType().isFloating()) weights.setRequiresGradient(true);
		}
	}

	/** Refuses a model file whose SHA-256 is not the one its sidecar pins. */
	static void checkSha256(final Path file, final ModelSpec spec) {
		final String actual = sha256(file);
		if (!actual.equals(spec.sha256())) {
			throw new ExplainException("the model file " + file.getFileName() + " is not the one its sidecar " +
				ModelSpec.sidecarOf(file).getFileName() + " pins: its sha256 is " + actual + ", the sidecar's \"sha256\" is " + spec.sha256() +
				". Use the model file the sidecar was written for; if you trust this file, write its sha256 in the sidecar (or remove the key)");
		}
	}

	/** The SHA-256 of a file, as 64 lower-case hexadecimal digits (what sha256sum prints). */
	public static String sha256(final Path file) {
		try (InputStream in = Files.newInputStream(file)) {
			final MessageDigest digest = MessageDigest.getInstance("SHA-256");
			final byte[] buffer = new byte[1 << 16];
			for (int n; (n = in.read(buffer)) > 0;) digest.update(buffer, 0, n);
			final StringBuilder hex = new StringBuilder(64);
			for (final byte b : digest.digest()) hex.append(String.format(Locale.ROOT, "%02x", b));
			return hex.toString();
		}
		catch (final IOException e) {
			throw new ExplainException("cannot read the model file " + file + ": " + e.getMessage());
		}
		catch (final NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
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
		if (stagesProblem != null) throw new ExplainException(method + " cannot use the stages of " + file.getFileName() + ": " + stagesProblem);
	}

	/** Why the model's stages cannot be used (they disagree with its forward), or null when they can. */
	public String stagesProblem() { return stagesProblem; }

	/**
	 * Checks once, on load, that {@code forward_layers(x, 0, n) == forward(x)} on a small seeded input of
	 * the model's shape. A layer-aware method on stages that compute something else would explain
	 * another network.
	 *
	 * @return the problem, or null when they agree (or when the model does not run on the test input,
	 *         whose shape is then only a guess; the methods' own calls tell)
	 */
	private String checkStages() {
		// without a channel count in the sidecar, the test input is grey, then RGB
		for (final int c : spec.channels() > 0 ? new int[] { spec.channels() } : new int[] { 1, 3 }) {
			final int h = spec.hasFixedSize() ? spec.height() : 64, w = spec.hasFixedSize() ? spec.width() : 64;
			final Shape shape = spec.isVolumetric() ? new Shape(1, c, 8, Math.min(h, 32), Math.min(w, 32)) : new Shape(1, c, h, w);
			try {
				return compareStages(shape);
			}
			catch (final RuntimeException e) {
				// the model does not take this shape: try the next one
			}
		}
		return null;
	}

	/** forward(x) against forward_layers(x, 0, n) on a seeded input of this shape; the problem, or null. */
	private String compareStages(final Shape shape) {
		final float[] x = new float[Math.toIntExact(shape.size())];
		final Random random = new Random(8);
		for (int i = 0; i < x.length; i++) x[i] = (float) random.nextGaussian();
		final float[] viaForward, viaStages;
		final Shape forwardShape, stagesShape;
		try (NDManager scope = manager().newSubManager()) {
			final NDArray in = scope.create(x, shape);
			try (IValue a = IValue.from((PtNDArray) in); IValue out = TorchScriptCalls.run(block, "forward", false, a)) {
				if (!out.isTensor()) return null;
				final NDArray o = asFloat(out.toTensor((PtNDManager) scope));
				viaForward = o.toFloatArray();
				forwardShape = o.getShape();
			}
			try (IValue a = IValue.from((PtNDArray) in); IValue s0 = IValue.from(0L); IValue s1 = IValue.from((long) layerNames.size());
				IValue out = TorchScriptCalls.run(block, "forward_layers", false, a, s0, s1))
			{
				if (!out.isTensor()) return "forward_layers returns " + out.getType() + ", not a tensor";
				final NDArray o = asFloat(out.toTensor((PtNDManager) scope));
				viaStages = o.toFloatArray();
				stagesShape = o.getShape();
			}
		}
		final String call = "forward_layers(x, 0, " + layerNames.size() + ")";
		if (!forwardShape.equals(stagesShape)) {
			return call + " returns shape " + stagesShape + " but forward(x) returns " + forwardShape + " (on a test input " + shape +
				"): the stages do not compute what the model computes. " + STAGES_ADVICE;
		}
		double largest = 0, worst = 0;
		for (int i = 0; i < viaForward.length; i++) {
			if (Float.isNaN(viaForward[i]) && Float.isNaN(viaStages[i])) continue;
			largest = Math.max(largest, Math.abs(viaForward[i]));
			final double d = Math.abs((double) viaForward[i] - viaStages[i]);
			worst = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(worst, d);
		}
		if (worst > 1e-4 * Math.max(1, largest)) {
			return call + " differs from forward(x) by up to " + String.format(Locale.ROOT, "%.3g", worst) + " (on a test input " + shape +
				", outputs up to " + String.format(Locale.ROOT, "%.3g", largest) + "): the stages do not compute what the model computes. " +
				STAGES_ADVICE;
		}
		return null;
	}

	private static final String STAGES_ADVICE = "Export the model so that forward(x) == forward_layers(x, 0, len(layer_names())) " +
		"(models/explainable.py does), or use a method that needs no stages (saliency, gradient x input, SmoothGrad, " +
		"Integrated Gradients, occlusion, RISE, LIME)";

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

	/** The full names of the module's parameters in order (e.g. {@code stages.0.weight}, {@code stages.0.bias}). */
	public List<String> parameterNames() {
		final List<String> names = new ArrayList<>();
		for (final ai.djl.util.Pair<String, ai.djl.nn.Parameter> p : block.getParameters()) names.add(p.getKey());
		return Collections.unmodifiableList(names);
	}

	/**
	 * Overwrites a float32 parameter's values in place (row-major, as {@code toFloatArray()} reads them).
	 * Only for a private copy ({@link #loadPrivate(Path, Device)}): the shared networks' weights never change.
	 */
	public void setParameter(final String name, final float[] values) {
		final NDArray weights = parameter(name);
		if (weights == null) throw new IllegalArgumentException("the model has no parameter " + name + "; it has " + parameterNames());
		if (weights.getDataType() != DataType.FLOAT32 || weights.size() != values.length) {
			throw new IllegalArgumentException(values.length + " float32 values for the parameter " + name + " of " +
				weights.getDataType() + " " + weights.getShape());
		}
		// an in-place copy into a leaf that requires a gradient is refused by autograd: switch it off around the copy
		final boolean grad = weights.hasGradient();
		if (grad) weights.setRequiresGradient(false);
		weights.set(java.nio.FloatBuffer.wrap(values));
		if (grad) weights.setRequiresGradient(true);
	}

	/**
	 * The gradient that backward passes accumulated in a parameter of a private copy (zeros when none),
	 * row-major; the accumulated gradient is then reset to zero, so the next passes start afresh.
	 */
	public float[] takeParameterGradient(final String name) {
		final NDArray weights = parameter(name);
		if (weights == null) throw new IllegalArgumentException("the model has no parameter " + name + "; it has " + parameterNames());
		if (!weights.hasGradient()) return new float[Math.toIntExact(weights.size())];
		final float[] values;
		try (NDArray gradient = weights.getGradient()) {
			values = gradient.toType(DataType.FLOAT32, false).toFloatArray();
		}
		JniUtils.zeroGrad((PtNDArray) weights);
		return values;
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
		final NDArray output;
		try (IValue in = IValue.from((PtNDArray) input); IValue out = TorchScriptCalls.run(block, "forward", grad, in)) {
			output = output(out, input, grad);
		}
		catch (final EngineException e) {
			throw modelFailed(e, input.getShape());
		}
		if (!allFinite(output)) throw nonFinite("scores (its output)", input, 0, layerNames == null ? 0 : layerNames.size());
		return output;
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
			if (!out.isTensor()) throw new ExplainException("the model's forward_layers returned " + out.getType() + ", not a tensor");
			final NDArray output = out.toTensor((PtNDManager) a.getManager());
			final NDArray converted = convert(output, grad, "forward_layers");
			if (!allFinite(converted)) throw nonFinite("activations", a, start, end);
			return converted;
		}
		catch (final EngineException e) {
			throw modelFailed(e, a.getShape());
		}
	}

	/**
	 * float64 / float16 / integer outputs as float32. A floating output that autograd records goes
	 * through {@link #toFloat32Module()}, because DJL's {@code toType} cuts the autograd graph. Integer
	 * values have no gradient: a gradient method on them is refused with what to use instead.
	 */
	private NDArray convert(final NDArray output, final boolean grad, final String what) {
		final DataType type = output.getDataType();
		if (type == DataType.FLOAT32) return output;
		final boolean floating = type == DataType.FLOAT64 || type == DataType.FLOAT16 || type == DataType.BFLOAT16;
		if (!floating && !type.isInteger() && type != DataType.BOOLEAN) {
			throw new ExplainException("the model " + spec.name() + "'s " + what + " returns " + type + " values; return float scores");
		}
		if (grad && !floating) {
			throw new ExplainException("the model " + spec.name() + "'s " + what + " returns " + type + " values, which have no gradient: " +
				"use a method that needs none (occlusion, RISE, LIME, Score-CAM), or return float scores");
		}
		if (!grad) return output.toType(DataType.FLOAT32, false);
		try (IValue in = IValue.from((PtNDArray) output); IValue out = TorchScriptCalls.run(toFloat32Module(), "forward", true, in)) {
			return out.toTensor((PtNDManager) output.getManager());
		}
	}

	private static PtSymbolBlock toFloat32;

	/**
	 * A TorchScript module whose forward is {@code x.float()} (made by make_trust_fixtures.py, shipped as a
	 * base64 resource), loaded once and kept for the JVM's life: it has no parameters and takes a few kilobytes.
	 */
	private static synchronized PtSymbolBlock toFloat32Module() {
		if (toFloat32 != null) return toFloat32;
		try (InputStream in = Network.class.getResourceAsStream("to-float32.pt.base64")) {
			if (in == null) throw new IllegalStateException("the resource to-float32.pt.base64 is missing from the Explain-IJ jar");
			final Path dir = Files.createTempDirectory("explainij-cast");
			final Path file = dir.resolve("to-float32.pt");
			Files.write(file, Base64.getMimeDecoder().decode(in.readAllBytes()));
			final Model m = Model.newInstance("to-float32", Device.cpu(), "PyTorch");
			m.load(dir, "to-float32");
			Files.deleteIfExists(file);
			Files.deleteIfExists(dir);
			toFloat32 = (PtSymbolBlock) m.getBlock();
			JniUtils.enableInferenceMode(toFloat32);
			return toFloat32;
		}
		catch (final IOException | MalformedModelException e) {
			throw new IllegalStateException("cannot load the float32 cast module: " + e.getMessage(), e);
		}
	}

	private static NDArray asFloat(final NDArray o) {
		return o.getDataType() == DataType.FLOAT32 ? o : o.toType(DataType.FLOAT32, false);
	}

	/**
	 * Whether every value is finite. One reduction first: a NaN or an infinity anywhere makes the sum
	 * non-finite, so a finite float32 sum settles it; only a non-finite sum (or finite values whose sum
	 * overflows) is looked at value by value. The element-wise test alone (four kernels and three
	 * temporary arrays) took about 0.4 ms per 16x64x64 activation, paid by every stage a method runs.
	 */
	static boolean allFinite(final NDArray a) {
		if (a.getDataType() == DataType.FLOAT32) {
			try (NDArray sum = a.sum()) {
				if (Float.isFinite(sum.getFloat())) return true;
			}
		}
		try (NDArray bad = a.isNaN().logicalOr(a.isInfinite()); NDArray any = bad.any()) {
			return !any.getBoolean();
		}
	}

	/**
	 * The refusal of NaN or infinite values, naming the stage where they first appear: the input's
	 * stages {@code start .. end-1} are run one at a time (without gradient) until one gives them.
	 */
	private ExplainException nonFinite(final String what, final NDArray input, final int start, final int end) {
		String where = "";
		if (layerNames != null && stagesProblem == null && end > start) {
			try (NDManager scope = manager().newSubManager()) {
				NDArray a = scope.create(input.toType(DataType.FLOAT32, true).toFloatArray(), input.getShape());
				if (!allFinite(a)) {
					where = "; they are already in the input of stage '" + layerNames.get(start) + "'";
				}
				else {
					for (int i = start; i < end; i++) {
						try (IValue in = IValue.from((PtNDArray) a); IValue s = IValue.from((long) i); IValue e = IValue.from((long) i + 1);
							IValue out = TorchScriptCalls.run(block, "forward_layers", false, in, s, e))
						{
							a = asFloat(out.toTensor((PtNDManager) scope));
						}
						if (!allFinite(a)) {
							where = "; they first appear at the output of stage '" + layerNames.get(i) + "' (stage " + (i + 1) + " of " +
								layerNames.size() + (layerKinds == null ? "" : ", " + layerKinds.get(i)) + ")";
							break;
						}
					}
				}
			}
			catch (final RuntimeException e) {
				where = "";
			}
		}
		return new ExplainException("the model " + spec.name() + " gives NaN or infinite " + what + " for this image" + where +
			". Its result would be meaningless: check the model (weights, a stage that overflows or divides by zero) and the sidecar's " +
			"normalization (the image's values are " + (spec.normalization().type() == Normalization.Type.NONE ? "given to it unchanged" :
				"normalized by " + spec.normalization()) + ")");
	}

	private NDArray output(final IValue out, final NDArray input, final boolean grad) {
		if (!out.isTensor()) {
			throw new ExplainException("the model's forward returned " + out.getType() + ", not a tensor of logits [B, K] or " +
				"a dense output [B, K, (D,) H, W]");
		}
		final NDArray output = convert(out.toTensor((PtNDManager) input.getManager()), grad, "forward");
		final Shape s = output.getShape();
		if (s.dimension() < 2 || s.dimension() > 5 || s.get(0) != input.getShape().get(0)) {
			throw new ExplainException("the model's forward returned shape " + s + " for a batch of " + input.getShape().get(0) +
				"; a classifier must return logits [B, K], a segmentation network [B, K, (D,) H, W]");
		}
		final List<String> classes = spec.classes();
		if (!classes.isEmpty() && s.get(1) != classes.size()) {
			throw new ExplainException("the sidecar " + ModelSpec.sidecarOf(file).getFileName() + " names " + classes.size() + " class(es) in " +
				"\"classes\" but the model returns " + s.get(1) + " score(s) per image (output " + s + "): \"classes\" must name every " +
				"output in order, e.g. [\"interphase\", \"mitotic\", ...] (or remove the key to number them)");
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
		if (isNativeOutOfMemory(e.getMessage())) {
			return new ExplainException("out of native memory: the model " + spec.name() + " could not allocate what an input of shape " +
				shape + " needs (" + oneLine(e.getMessage()) + "). Use a smaller image or a region, a smaller batch_size, or set a lower " +
				"memory budget (-Dexplainij.memory, --memory) so batches are chosen smaller", e);
		}
		return new ExplainException("the model " + spec.name() + " could not run on an input of shape " + shape +
			" [B, C, H, W]: " + oneLine(e.getMessage()) + ". Check the image's channel count and size against what the model " +
			"was trained on (write them in the sidecar " + ModelSpec.sidecarOf(file).getFileName() + ").", e);
	}

	/** Whether a libtorch error is a failed allocation (CPU or CUDA), not a problem of the input's shape. */
	static boolean isNativeOutOfMemory(final String message) {
		if (message == null) return false;
		final String m = message.toLowerCase(java.util.Locale.ROOT);
		return m.contains("can't allocate memory") || m.contains("cannot allocate memory") || m.contains("out of memory");
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
		return scoreGradient(raw, shape, transform, target, null);
	}

	/**
	 * As {@link #scoreGradient(float[], Shape, InputTransform, Target)} for a target on the network's output
	 * that is chosen from that output (e.g. the predicted class), in the same pass: {@code chooser} gets the
	 * output [B, ...] and returns the target, so no forward pass of its own is needed to find it.
	 */
	public ScoreGradient scoreGradientChoosing(final float[] raw, final Shape shape, final InputTransform transform,
		final java.util.function.Function<NDArray, Target> chooser)
	{
		return scoreGradient(raw, shape, transform, null, chooser);
	}

	private ScoreGradient scoreGradient(final float[] raw, final Shape shape, final InputTransform transform, final Target given,
		final java.util.function.Function<NDArray, Target> chooser)
	{
		return autograd((scope, collector) -> {
			final NDArray x = rawInput(scope, raw, shape);
			x.setRequiresGradient(true);
			final NDArray perSample;
			if (chooser == null) {
				perSample = given.score(output(transform.apply(x), given, true));
			}
			else {
				final NDArray out = forward(transform.apply(x), true);
				final Target target = chooser.apply(out);
				if (target.stage() >= 0) throw new IllegalArgumentException("a target chosen from the output scores the output, not a stage");
				perSample = target.score(out);
			}
			collector.backward(perSample.sum());
			final NDArray gradient = x.getGradient();
			if (!allFinite(gradient)) {
				throw new ExplainException("the gradient of the score of model " + spec.name() + " is NaN or infinite for this image, " +
					"though its scores are finite: a stage's derivative overflows or divides by zero (e.g. sqrt or log at 0). " +
					"Use a method that needs no gradient (occlusion, RISE, LIME), or fix the model");
			}
			return new ScoreGradient(gradient.toFloatArray(), perSample.toFloatArray());
		});
	}

	/**
	 * What a target scores: the network's output, or the output of the target's stage ({@link Target#stage()}).
	 *
	 * @param input network input (already normalized)
	 */
	public NDArray output(final NDArray input, final Target target, final boolean grad) {
		if (target.stage() < 0) return forward(input, grad);
		requireStages("a target inside the network");
		if (target.stage() >= layerNames.size()) {
			throw new ExplainException("the model has " + layerNames.size() + " stages; stage " + target.stage() + " does not exist");
		}
		return forwardLayers(input, 0, target.stage() + 1, grad);
	}

	/**
	 * A target's scores for a batch of raw images, without gradient.
	 *
	 * @return one score per image
	 */
	public float[] scores(final float[] raw, final Shape shape, final InputTransform transform, final Target target) {
		try (NDManager scope = manager().newSubManager()) {
			return target.score(output(transform.apply(rawInput(scope, raw, shape)), target, false)).toFloatArray();
		}
	}

	/**
	 * The output of stage {@code stage} (0-based, inclusive) for a batch of raw images, without gradient.
	 *
	 * @return the activations, row-major, and their shape
	 */
	public Activations activations(final float[] raw, final Shape shape, final InputTransform transform, final int stage) {
		requireStages("reading a layer's activations");
		try (NDManager scope = manager().newSubManager()) {
			final NDArray a = forwardLayers(transform.apply(rawInput(scope, raw, shape)), 0, stage + 1, false);
			return new Activations(a.toFloatArray(), a.getShape());
		}
	}

	/** Each thread's direct buffer for batch inputs, reused from batch to batch (grown when a batch is larger). */
	private static final ThreadLocal<ByteBuffer> INPUT_BUFFER = new ThreadLocal<>();

	/**
	 * A batch of raw values as a tensor of {@code scope}. On the CPU the tensor wraps this thread's reused
	 * direct buffer instead of a new one per batch (DJL's {@code create(float[])} allocates a direct buffer
	 * that only the garbage collector frees: gigabytes of them piled up in long occlusion runs). The tensor
	 * is valid until this thread's next call: use it only inside the scope of one model pass.
	 */
	private NDArray rawInput(final NDManager scope, final float[] raw, final Shape shape) {
		if (device.isGpu()) return scope.create(raw, shape);
		final int bytes = raw.length * Float.BYTES;
		ByteBuffer buffer = INPUT_BUFFER.get();
		if (buffer == null || buffer.capacity() < bytes) {
			buffer = ByteBuffer.allocateDirect(Math.max(bytes, buffer == null ? 0 : buffer.capacity() * 2)).order(ByteOrder.nativeOrder());
			INPUT_BUFFER.set(buffer);
		}
		final ByteBuffer view = buffer.duplicate().order(ByteOrder.nativeOrder());
		view.clear();
		view.limit(bytes);
		view.asFloatBuffer().put(raw);
		return scope.create(view.slice().order(ByteOrder.nativeOrder()), shape, DataType.FLOAT32);
	}

	/** A stage's output copied to Java: values row-major and the shape [B, C, (D,) H, W] or [B, F]. */
	public static final class Activations {

		private final float[] values;
		private final Shape shape;

		public Activations(final float[] values, final Shape shape) {
			this.values = values;
			this.shape = shape;
		}

		public float[] values() { return values; }

		public Shape shape() { return shape; }
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
			return readout.apply(forward(transform.apply(rawInput(scope, raw, shape)), false)).toFloatArray();
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
