package io.github.explainij.model;

import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * The one place that calls a TorchScript method with autograd on while the module stays in eval mode.
 * <p>
 * DJL offers two public ways to run a TorchScript module, and neither fits attribution:
 * {@code block.forward(store, inputs, training=true)} records gradients but first switches the module
 * to training mode (BatchNorm uses batch statistics, Dropout drops), and {@code IValueUtils.runMethod}
 * keeps eval mode but runs without gradients, so {@code getGradient()} silently returns zeros. The
 * engine's native {@code moduleRunMethod} takes the grad switch separately; it is package-private, so
 * it is reached here by reflection. {@code TorchScriptCallsTest} fails loudly if a DJL upgrade
 * changes it (gradients would be zero, or eval-mode logits would change).
 */
final class TorchScriptCalls {

	private static final Object LIBRARY;
	private static final Method RUN_METHOD;
	private static final Throwable UNAVAILABLE;
	/** IValue's private constructor from a native handle, looked up once (not per call: methods make dozens of calls per run). */
	private static final java.lang.reflect.Constructor<IValue> NEW_IVALUE;

	static {
		Object library = null;
		Method run = null;
		java.lang.reflect.Constructor<IValue> newIValue = null;
		Throwable problem = null;
		try {
			final Class<?> c = Class.forName("ai.djl.pytorch.jni.PyTorchLibrary");
			final Field lib = c.getDeclaredField("LIB");
			lib.setAccessible(true);
			run = c.getDeclaredMethod("moduleRunMethod", long.class, String.class, long[].class, boolean.class,
				boolean.class);
			run.setAccessible(true);
			library = lib.get(null);
			newIValue = IValue.class.getDeclaredConstructor(long.class);
			newIValue.setAccessible(true);
		}
		catch (final ReflectiveOperationException | RuntimeException | LinkageError e) {
			problem = e;
		}
		LIBRARY = library;
		RUN_METHOD = run;
		UNAVAILABLE = problem;
		NEW_IVALUE = newIValue;
	}

	private TorchScriptCalls() {}

	/**
	 * Runs {@code method} of the module with the given arguments.
	 *
	 * @param grad whether autograd records the call (the module's train/eval mode is not touched)
	 * @return the result, which the caller closes
	 */
	static IValue run(final PtSymbolBlock block, final String method, final boolean grad, final IValue... args) {
		if (UNAVAILABLE != null) {
			throw new IllegalStateException("This DJL PyTorch engine does not offer moduleRunMethod(long, String, long[], " +
				"boolean, boolean); Explain-IJ needs DJL 0.35.x", UNAVAILABLE);
		}
		final long[] handles = new long[args.length];
		for (int i = 0; i < args.length; i++) handles[i] = args[i].getHandle();
		try {
			final long result = (Long) RUN_METHOD.invoke(LIBRARY, block.getHandle(), method, handles, grad, false);
			return newIValue(result);
		}
		catch (final InvocationTargetException e) {
			final Throwable cause = e.getCause();
			if (cause instanceof RuntimeException) throw (RuntimeException) cause;
			throw new IllegalStateException(cause);
		}
		catch (final IllegalAccessException e) {
			throw new IllegalStateException(e);
		}
	}

	private static IValue newIValue(final long handle) {
		try {
			return NEW_IVALUE.newInstance(handle);
		}
		catch (final ReflectiveOperationException e) {
			throw new IllegalStateException("This DJL PyTorch engine has no IValue(long) constructor; Explain-IJ needs DJL 0.35.x", e);
		}
	}
}
