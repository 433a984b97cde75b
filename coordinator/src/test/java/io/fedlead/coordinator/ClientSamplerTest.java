package io.fedlead.coordinator;

import io.fedlead.core.privacy.NoiseSources;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClientSamplerTest {
    static List<ClientSession> clients(int n) {
        List<ClientSession> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new ClientSession("c" + i, "unit-" + i, "t" + i, Instant.EPOCH, 0));
        }
        return out;
    }

    @Test
    void poisson_qPointThree_sizeVariesWithMeanQN_andEachClientIncludedAtRateQ() {
        ClientSampler sampler = new ClientSampler(NoiseSources.seededForSimulation(1));
        List<ClientSession> all = clients(50);
        int draws = 4000;
        Set<Integer> sizes = new HashSet<>();
        long total = 0;
        int firstIncluded = 0;
        for (int i = 0; i < draws; i++) {
            List<ClientSession> s = sampler.poisson(all, 0.3);
            sizes.add(s.size());
            total += s.size();
            if (s.contains(all.get(0))) {
                firstIncluded++;
            }
        }
        // Binomial(50, 0.3): mean 15, std of the mean over 4000 draws 3.24 / 63 = 0.05.
        assertEquals(15.0, (double) total / draws, 0.25);
        assertTrue(sizes.size() > 10, "a Poisson sample's size varies: " + sizes);
        // Client 0 alone: Bernoulli(0.3), std of the rate 0.0072.
        assertEquals(0.3, (double) firstIncluded / draws, 0.03);
    }

    @Test
    void poisson_qOne_everyClient_andFixedSize_alwaysCeilQN() {
        ClientSampler sampler = new ClientSampler(NoiseSources.seededForSimulation(2));
        List<ClientSession> all = clients(10);
        assertEquals(all, sampler.poisson(all, 1.0));
        for (int i = 0; i < 20; i++) {
            assertEquals(3, sampler.sample(all, 0.3, 1).size());
        }
        assertThrows(IllegalArgumentException.class, () -> sampler.poisson(all, 0));
    }
}
