package io.github.explainij.cli;

import io.github.explainij.model.MemoryBudget;

import java.util.ArrayList;
import java.util.List;

/**
 * The command line's {@code --memory 8G} (or {@code 70%}): the memory budget of this run (see
 * {@link MemoryBudget}), taken out of the arguments wherever it stands, checked, and set as the system
 * property {@value MemoryBudget#PROPERTY} until the run ends (then the earlier value comes back).
 */
final class MemoryOption implements AutoCloseable {

	static final String OPTION = "--memory";

	private final String[] remaining;
	private final String previous;
	private final boolean set;

	private MemoryOption(final String[] remaining, final String value) {
		this.remaining = remaining;
		this.previous = System.getProperty(MemoryBudget.PROPERTY);
		this.set = value != null;
		if (set) System.setProperty(MemoryBudget.PROPERTY, value);
	}

	/**
	 * @throws io.github.explainij.ExplainException when the value is missing or not a memory size
	 */
	static MemoryOption take(final String[] args) {
		final List<String> rest = new ArrayList<>();
		String value = null;
		for (int i = 0; i < args.length; i++) {
			if (i > 0 && args[i].equals(OPTION)) {
				if (i + 1 >= args.length) throw new io.github.explainij.ExplainException(OPTION + " needs a value such as 8G, 512M or 70%");
				value = args[++i];
				MemoryBudget.parse(value, OPTION + " " + value);
			}
			else {
				rest.add(args[i]);
			}
		}
		return new MemoryOption(rest.toArray(new String[0]), value);
	}

	/** The arguments without {@code --memory} and its value. */
	String[] remaining() {
		return remaining;
	}

	@Override
	public void close() {
		if (!set) return;
		if (previous == null) System.clearProperty(MemoryBudget.PROPERTY);
		else System.setProperty(MemoryBudget.PROPERTY, previous);
	}
}
