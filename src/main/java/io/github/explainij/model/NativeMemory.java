package io.github.explainij.model;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Structure;

/**
 * Bytes the C allocator has handed out and not taken back (glibc's {@code mallinfo2}: {@code uordblks +
 * hblkhd}), where libtorch's CPU tensors live. The memory probe measures a forward pass as the growth of
 * this number. Only glibc (Linux) has it; elsewhere {@link #inUse()} is -1 and the probe falls back to
 * counting the stages' outputs.
 */
public final class NativeMemory {

	/** glibc's {@code struct mallinfo2} (every field a size_t). */
	@Structure.FieldOrder({ "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost" })
	public static class Mallinfo2 extends Structure implements Structure.ByValue {

		public long arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost;
	}

	/** The C library's {@code mallinfo2()}. */
	public interface CLibrary extends Library {

		Mallinfo2 mallinfo2();
	}

	private static final CLibrary C = load();

	private NativeMemory() {}

	private static CLibrary load() {
		if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) return null;
		try {
			final CLibrary c = Native.load("c", CLibrary.class);
			c.mallinfo2(); // glibc 2.33 and later; musl and older glibc have none
			return c;
		}
		catch (final LinkageError | RuntimeException e) {
			return null;
		}
	}

	/** Bytes in use from the C heap (small blocks and mmapped ones), or -1 where it cannot be read. */
	public static long inUse() {
		if (C == null) return -1;
		final Mallinfo2 m = C.mallinfo2();
		return m.uordblks + m.hblkhd;
	}
}
