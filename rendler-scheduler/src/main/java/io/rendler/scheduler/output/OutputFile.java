package io.rendler.scheduler.output;

import java.nio.file.Path;
import java.time.Duration;

/** One file a run wrote, and how long writing it took (printed, so big exports can be timed). */
public record OutputFile(Path path, Duration took) {}
