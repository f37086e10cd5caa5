package io.rendler.common;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.lang.ref.Reference;
import java.net.http.HttpClient;
import java.util.List;
import org.junit.jupiter.api.Test;

class JvmExitTest {

    @Test
    void theSelectorThreadOfAnHttpClientEndsSoHotSpotNeedNotWaitForIt() {
        HttpClient client = HttpClient.newHttpClient();

        List<Thread> selectors = JvmExit.stopHttpClientSelectors();

        assertFalse(selectors.isEmpty(), "no HttpClient selector thread found; did the JDK rename it?");
        for (Thread selector : selectors) assertFalse(selector.isAlive(), selector.getName() + " is still running");
        Reference.reachabilityFence(client); // so it is the interrupt, not a collected client, that ended it
    }
}
