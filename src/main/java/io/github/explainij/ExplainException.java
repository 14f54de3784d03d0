package io.github.explainij;

/**
 * A problem the user can fix: a wrong model file, an image the model cannot take, an unknown class
 * name. Its message is shown as it is (dialog in Fiji, one line on the command line), so it says
 * what went wrong and what to do.
 */
public class ExplainException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public ExplainException(final String message) {
		super(message);
	}

	public ExplainException(final String message, final Throwable cause) {
		super(message, cause);
	}
}
