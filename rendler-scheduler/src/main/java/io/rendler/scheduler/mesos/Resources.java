package io.rendler.scheduler.mesos;

import java.util.Locale;

/** The scalar resources Rendler packs by: cpus and memory in MB. */
public record Resources(double cpus, double memMb) {

    public static final Resources NONE = new Resources(0, 0);
    /** Mesos scalars are fixed-point with three decimals; compare with that tolerance. */
    private static final double EPSILON = 0.0005;

    public Resources plus(Resources other) {
        return new Resources(cpus + other.cpus, memMb + other.memMb);
    }

    public Resources minus(Resources other) {
        return new Resources(cpus - other.cpus, memMb - other.memMb);
    }

    public boolean covers(Resources need) {
        return cpus + EPSILON >= need.cpus && memMb + EPSILON >= need.memMb;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "cpus %.2f, mem %.0f MB", cpus, memMb);
    }
}
