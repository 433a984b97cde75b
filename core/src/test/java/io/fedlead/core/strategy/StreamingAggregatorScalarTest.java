package io.fedlead.core.strategy;

/** Every {@link StreamingAggregatorTest} again, with the scalar kernel (what runs without the incubator module). */
class StreamingAggregatorScalarTest extends StreamingAggregatorTest {
    @Override
    boolean vector() {
        return false;
    }
}
