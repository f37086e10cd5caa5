package io.rendler.mesossim;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.Value;

/**
 * An immutable bag of unreserved ({@code "*"} role) resources: named scalars and named port-style
 * ranges. Scalars are kept in thousandths, the fixed point Mesos itself uses, so 2.0 - 0.1 - 0.1
 * prints as 1.8 in an offer, as in the transcripts, and not as 1.7999999999999998.
 */
final class Resources {

    record Range(long begin, long end) {}

    /** How a list of resources is rendered, which differs by where it appears on the wire. */
    enum Shape {
        /** Offers: ports first, each with the deprecated role "*" and allocation_info (README surprise 8). */
        OFFER,
        /** AgentInfo in the executor's SUBSCRIBED: scalars first, bare. */
        AGENT_INFO
    }

    static final Resources EMPTY = new Resources(new LinkedHashMap<>(), new LinkedHashMap<>());

    private final LinkedHashMap<String, Long> scalarMillis;
    private final LinkedHashMap<String, List<Range>> ranges;

    private Resources(LinkedHashMap<String, Long> scalarMillis, LinkedHashMap<String, List<Range>> ranges) {
        this.scalarMillis = scalarMillis;
        this.ranges = ranges;
    }

    static Resources of(List<Resource> protos) {
        Resources sum = EMPTY;
        for (Resource resource : protos) {
            LinkedHashMap<String, Long> scalars = new LinkedHashMap<>();
            LinkedHashMap<String, List<Range>> rangeMap = new LinkedHashMap<>();
            switch (resource.getType()) {
                case SCALAR -> scalars.put(resource.getName(), toMillis(resource.getScalar().getValue()));
                case RANGES -> rangeMap.put(resource.getName(), resource.getRanges().getRangeList().stream()
                        .map(r -> new Range(r.getBegin(), r.getEnd()))
                        .toList());
                default -> {
                    // SET and TEXT resources do not occur in this simulator's agent; ignore them.
                }
            }
            sum = sum.plus(new Resources(scalars, normalizeAll(rangeMap)));
        }
        return sum;
    }

    static Resources scalar(String name, double value) {
        LinkedHashMap<String, Long> scalars = new LinkedHashMap<>();
        scalars.put(name, toMillis(value));
        return new Resources(scalars, new LinkedHashMap<>());
    }

    static Resources ranges(String name, long begin, long end) {
        LinkedHashMap<String, List<Range>> map = new LinkedHashMap<>();
        map.put(name, List.of(new Range(begin, end)));
        return new Resources(new LinkedHashMap<>(), map);
    }

    private static long toMillis(double value) {
        return Math.round(value * 1000.0);
    }

    double scalar(String name) {
        return scalarMillis.getOrDefault(name, 0L) / 1000.0;
    }

    boolean isEmpty() {
        return scalarMillis.values().stream().allMatch(v -> v == 0) && ranges.values().stream().allMatch(List::isEmpty);
    }

    Resources plus(Resources other) {
        LinkedHashMap<String, Long> scalars = new LinkedHashMap<>(scalarMillis);
        other.scalarMillis.forEach((name, millis) -> scalars.merge(name, millis, Long::sum));
        LinkedHashMap<String, List<Range>> sum = new LinkedHashMap<>(ranges);
        other.ranges.forEach((name, list) -> {
            List<Range> merged = new ArrayList<>(sum.getOrDefault(name, List.of()));
            merged.addAll(list);
            sum.put(name, normalize(merged));
        });
        return new Resources(scalars, sum);
    }

    /** This minus other, never below zero. */
    Resources minus(Resources other) {
        LinkedHashMap<String, Long> scalars = new LinkedHashMap<>(scalarMillis);
        other.scalarMillis.forEach((name, millis) -> scalars.computeIfPresent(name, (n, v) -> Math.max(0, v - millis)));
        LinkedHashMap<String, List<Range>> difference = new LinkedHashMap<>(ranges);
        other.ranges.forEach((name, list) -> difference.computeIfPresent(name, (n, mine) -> subtract(mine, list)));
        return new Resources(scalars, difference);
    }

    boolean contains(Resources other) {
        for (Map.Entry<String, Long> entry : other.scalarMillis.entrySet()) {
            if (entry.getValue() > scalarMillis.getOrDefault(entry.getKey(), 0L)) return false;
        }
        for (Map.Entry<String, List<Range>> entry : other.ranges.entrySet()) {
            List<Range> mine = ranges.getOrDefault(entry.getKey(), List.of());
            if (!subtract(entry.getValue(), mine).isEmpty()) return false;
        }
        return true;
    }

    /** The resources as Mesos renders them in the given place; zero amounts are left out. */
    List<Resource> toProtos(Shape shape) {
        List<Resource> out = new ArrayList<>();
        if (shape == Shape.OFFER) {
            addRanges(out, true);
            addScalars(out, true);
        } else {
            addScalars(out, false);
            addRanges(out, false);
        }
        return out;
    }

    private void addScalars(List<Resource> out, boolean offered) {
        scalarMillis.forEach((name, millis) -> {
            if (millis == 0) return;
            Resource.Builder resource = Resource.newBuilder()
                    .setName(name)
                    .setType(Value.Type.SCALAR)
                    .setScalar(Value.Scalar.newBuilder().setValue(millis / 1000.0));
            out.add(offered ? offered(resource) : resource.build());
        });
    }

    private void addRanges(List<Resource> out, boolean offered) {
        ranges.forEach((name, list) -> {
            if (list.isEmpty()) return;
            Value.Ranges.Builder protoRanges = Value.Ranges.newBuilder();
            list.forEach(r -> protoRanges.addRange(Value.Range.newBuilder().setBegin(r.begin()).setEnd(r.end())));
            Resource.Builder resource = Resource.newBuilder().setName(name).setType(Value.Type.RANGES).setRanges(protoRanges);
            out.add(offered ? offered(resource) : resource.build());
        });
    }

    @SuppressWarnings("deprecation") // Resource.role is deprecated, and a 1.12 master still sets it on offers.
    private static Resource offered(Resource.Builder resource) {
        return resource.setRole("*").setAllocationInfo(allocationInfo()).build();
    }

    static Resource.AllocationInfo allocationInfo() {
        return Resource.AllocationInfo.newBuilder().setRole("*").build();
    }

    /** A framework's own resource list with the allocation_info the agent adds before LAUNCH. */
    static List<Resource> allocated(List<Resource> resources) {
        return resources.stream().map(r -> r.toBuilder().setAllocationInfo(allocationInfo()).build()).toList();
    }

    /** Mesos' log notation, used in TASK_ERROR messages: {@code cpus(allocated: *):0.1; mem(allocated: *):32}. */
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        scalarMillis.forEach((name, millis) -> {
            if (millis != 0) parts.add(name + "(allocated: *):" + MesosJsonWriter.formatDouble(millis / 1000.0).replaceAll("\\.0$", ""));
        });
        ranges.forEach((name, list) -> {
            if (list.isEmpty()) return;
            List<String> texts = list.stream().map(r -> r.begin() + "-" + r.end()).toList();
            parts.add(name + "(allocated: *):[" + String.join(", ", texts) + "]");
        });
        return parts.isEmpty() ? "{}" : String.join("; ", parts);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Resources other)) return false;
        return contains(other) && other.contains(this);
    }

    @Override
    public int hashCode() {
        Set<String> names = new LinkedHashSet<>(scalarMillis.keySet());
        names.addAll(ranges.keySet());
        return names.size();
    }

    private static LinkedHashMap<String, List<Range>> normalizeAll(LinkedHashMap<String, List<Range>> map) {
        LinkedHashMap<String, List<Range>> out = new LinkedHashMap<>();
        map.forEach((name, list) -> out.put(name, normalize(list)));
        return out;
    }

    private static List<Range> normalize(List<Range> list) {
        List<Range> sorted = new ArrayList<>(list);
        sorted.sort(Comparator.comparingLong(Range::begin));
        List<Range> merged = new ArrayList<>();
        for (Range range : sorted) {
            if (!merged.isEmpty() && range.begin() <= merged.get(merged.size() - 1).end() + 1) {
                Range last = merged.remove(merged.size() - 1);
                merged.add(new Range(last.begin(), Math.max(last.end(), range.end())));
            } else {
                merged.add(range);
            }
        }
        return List.copyOf(merged);
    }

    private static List<Range> subtract(List<Range> from, List<Range> remove) {
        List<Range> result = new ArrayList<>(from);
        for (Range cut : remove) {
            List<Range> next = new ArrayList<>();
            for (Range r : result) {
                if (cut.end() < r.begin() || cut.begin() > r.end()) {
                    next.add(r);
                    continue;
                }
                if (cut.begin() > r.begin()) next.add(new Range(r.begin(), cut.begin() - 1));
                if (cut.end() < r.end()) next.add(new Range(cut.end() + 1, r.end()));
            }
            result = next;
        }
        return List.copyOf(result);
    }
}
