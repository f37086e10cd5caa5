/**
 * A single-process Mesos master and agent for tests, speaking the v1 scheduler and executor HTTP
 * APIs exactly as recorded from a real Mesos 1.12 cluster in {@code testdata/mesos-wire} (its
 * README's numbered "surprises" are cited where they bite). Start with {@link
 * io.rendler.mesossim.MesosSimulator}; run it standalone with {@link
 * io.rendler.mesossim.MesosSimulatorMain}.
 *
 * <h2>How it is built</h2>
 * <ul>
 *   <li>Wire: {@code RawHttpServer} (raw sockets, one thread per connection, keep-alive),
 *       {@code HttpRequest}/{@code HttpResponse} (libprocess' header order), {@code EventStream}
 *       (one RecordIO record per chunk, writer thread, clean end or abrupt abort).
 *   <li>Codec: {@code MesosJsonWriter} prints like stout (declaration order, defaults, 64-bit
 *       numbers unquoted), {@code MesosJsonReader} parses like picojson + stout, with Mesos' error
 *       texts; {@code WireEncoding} picks JSON or protobuf. Proven byte-exact against every
 *       recorded event by {@code MesosJsonCodecTest}.
 *   <li>Behaviour: {@code SchedulerApi} and {@code ExecutorApi} check requests in Mesos' order;
 *       {@code Master} (frameworks, offers, filters, reconciliation, failover) and {@code Agent}
 *       (executor processes, the status update manager) share one lock in {@code Cluster}.
 *       {@code ExecutorLauncher} and {@code Fetcher} start executors as real child processes in
 *       their own session, with the recorded environment.
 * </ul>
 *
 * <h2>How it is tested</h2>
 * The {@code *ReplayTest}s send every recorded {@code .request} (ids swapped for ours) and compare
 * answers and events with the recorded ones; the recorded {@code fake_executor.py} runs unmodified
 * as the executor (via {@code src/test/resources/mesossim/run_fake_executor.py}, which only
 * redirects its hard-coded /opt/mesos/wire paths) and its own transcripts are compared with the
 * recorded agent's. The other tests cover fault injection and behaviour beyond the recordings.
 */
package io.rendler.mesossim;
