package io.github.explainij.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.explainij.TestData;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** A whole-number parameter out of range is refused as typed (it was read as 0: "masks must be at least 1, not 0"). */
class WholeNumberParameterTest {

	private static String refusal(final String param) {
		final ByteArrayOutputStream err = new ByteArrayOutputStream();
		assertEquals(2, Main.run(new String[] { "rise", "--model", TestData.model("cells-gap").toString(), "--image",
			TestData.sample("cells", "foci_000").toString(), "--param", param }, new PrintStream(new ByteArrayOutputStream(), true,
				StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));
		return err.toString(StandardCharsets.UTF_8).strip();
	}

	@Test
	void outOfRangeAndNonNumbersAreRefusedAsTyped() {
		assertEquals("error: --param masks must be a whole number up to 2147483647, not 99999999999", refusal("masks=99999999999"));
		assertEquals("error: --param masks must be a whole number, not '12x'", refusal("masks=12x"));
		assertEquals("error: --param seed must be a whole number up to 9223372036854775807, not 99999999999999999999",
			refusal("seed=99999999999999999999"));
	}
}
