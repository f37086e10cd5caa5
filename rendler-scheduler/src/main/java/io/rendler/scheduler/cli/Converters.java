package io.rendler.scheduler.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parsers for the human-friendly option values: {@code 1280x800}, {@code 15s}, {@code 10MB}. */
final class Converters {

    private Converters() {}

    record Viewport(int width, int height) {
        /** Smaller than a phone screen or larger than Chromium draws in one piece: no one means those. */
        static final int MIN = 200;
        static final int MAX = 8192;

        @Override
        public String toString() {
            return width + "x" + height;
        }
    }

    static final class ViewportConverter implements ITypeConverter<Viewport> {
        private static final Pattern FORM = Pattern.compile("(\\d{2,5})[xX×](\\d{2,5})");

        @Override
        public Viewport convert(String value) {
            Matcher m = FORM.matcher(value.strip());
            if (!m.matches()) throw new TypeConversionException("'" + value + "' is not a viewport; use WIDTHxHEIGHT, e.g. 1280x800");
            int w = Integer.parseInt(m.group(1));
            int h = Integer.parseInt(m.group(2));
            if (w < Viewport.MIN || h < Viewport.MIN || w > Viewport.MAX || h > Viewport.MAX) {
                throw new TypeConversionException("viewport " + value + " is out of range: width and height must each be "
                        + Viewport.MIN + " to " + Viewport.MAX + " pixels");
            }
            return new Viewport(w, h);
        }
    }

    static final class MesosEncodingConverter implements ITypeConverter<io.rendler.mesos.MesosEncoding> {
        @Override
        public io.rendler.mesos.MesosEncoding convert(String value) {
            try {
                return io.rendler.mesos.MesosEncoding.named(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class DurationConverter implements ITypeConverter<Duration> {
        private static final Pattern FORM = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

        @Override
        public Duration convert(String value) {
            Matcher m = FORM.matcher(value.strip().toLowerCase(Locale.ROOT));
            if (!m.matches()) throw new TypeConversionException("'" + value + "' is not a duration; use e.g. 500ms, 15s, 2m");
            double amount = Double.parseDouble(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            double millis = switch (unit) {
                case "ms" -> amount;
                case "m" -> amount * 60_000;
                case "h" -> amount * 3_600_000;
                default -> amount * 1000;
            };
            if (millis < 1) throw new TypeConversionException("duration " + value + " is too short");
            return Duration.ofMillis((long) millis);
        }
    }

    static final class SizeConverter implements ITypeConverter<Long> {
        private static final Pattern FORM = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(b|kb|k|kib|mb|m|mib|gb|g|gib)?");

        @Override
        public Long convert(String value) {
            Matcher m = FORM.matcher(value.strip().toLowerCase(Locale.ROOT));
            if (!m.matches()) throw new TypeConversionException("'" + value + "' is not a size; use e.g. 512KB, 10MB");
            double amount = Double.parseDouble(m.group(1));
            String unit = m.group(2) == null ? "b" : m.group(2);
            long scale = switch (unit.charAt(0)) {
                case 'k' -> 1024L;
                case 'm' -> 1024L * 1024;
                case 'g' -> 1024L * 1024 * 1024;
                default -> 1L;
            };
            long bytes = (long) (amount * scale);
            if (bytes < 1024) throw new TypeConversionException("size " + value + " is too small (at least 1KB)");
            return bytes;
        }
    }
}
