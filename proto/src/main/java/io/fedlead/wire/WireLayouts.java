package io.fedlead.wire;

import io.fedlead.core.model.ModelLayout;
import io.fedlead.core.model.TensorSpec;
import io.fedlead.proto.v1.ModelLayout.Builder;

import java.util.ArrayList;
import java.util.List;

/** Maps model layouts between the core type and the wire type, in both directions. */
public final class WireLayouts {
    private WireLayouts() {
    }

    public static io.fedlead.proto.v1.ModelLayout toProto(ModelLayout layout) {
        Builder b = io.fedlead.proto.v1.ModelLayout.newBuilder();
        for (TensorSpec t : layout.tensors()) {
            b.addTensors(io.fedlead.proto.v1.TensorSpec.newBuilder().setName(t.name()).addAllShape(t.shape()));
        }
        return b.build();
    }

    /**
     * Reads a layout from the wire.
     *
     * @param field the request field it came from, named in the error on bad input
     */
    public static ModelLayout fromProto(io.fedlead.proto.v1.ModelLayout proto, String field) {
        if (proto.getTensorsCount() == 0) {
            throw new IllegalArgumentException(field + " has no tensors");
        }
        List<TensorSpec> tensors = new ArrayList<>(proto.getTensorsCount());
        for (int i = 0; i < proto.getTensorsCount(); i++) {
            io.fedlead.proto.v1.TensorSpec t = proto.getTensors(i);
            try {
                tensors.add(new TensorSpec(t.getName(), t.getShapeList()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(field + ".tensors[" + i + "]: " + e.getMessage(), e);
            }
        }
        try {
            return new ModelLayout(tensors);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
        }
    }
}
