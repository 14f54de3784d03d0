package io.github.explainij.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** libtorch finds THP_MEM_ALLOC_ENABLE=1 in the environment once the engine is loaded (huge pages for activations). */
class EnginesTest {

	@Test
	void theEngineIsLoadedWithHugePagesForLargeAllocations() {
		Engines.pytorch();
		assertTrue(Engines.hugePages());
		assertEquals("1", System.getenv("THP_MEM_ALLOC_ENABLE") != null ? System.getenv("THP_MEM_ALLOC_ENABLE")
			: Engines.nativeEnvironment("THP_MEM_ALLOC_ENABLE"));
	}
}
