package io.rendler.mesossim;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the simulator standalone so a person can point {@code rendler --master 127.0.0.1:5050} at
 * it without a cluster. The module builds it as a jar of its own:
 *
 * <pre>
 * mvn -q -DskipTests package
 * java -jar rendler-mesos-sim/target/mesos-sim.jar --port 5050
 * </pre>
 *
 * Options: {@code --port N} (master, default 5050), {@code --agent-port N} (default 5051),
 * {@code --cpus X --mem MB --disk MB}, {@code --heartbeat SECONDS}, {@code --work-dir DIR}
 * (kept after exit when given). Ctrl-C stops it and kills every executor.
 */
public final class MesosSimulatorMain {

    private MesosSimulatorMain() {}

    public static void main(String[] args) throws InterruptedException {
        MesosSimulator.Builder builder = MesosSimulator.builder().masterPort(5050).agentPort(5051);
        double cpus = 2;
        double mem = 4096;
        double disk = 10000;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--port" -> builder.masterPort(Integer.parseInt(value));
                case "--agent-port" -> builder.agentPort(Integer.parseInt(value));
                case "--cpus" -> cpus = Double.parseDouble(value);
                case "--mem" -> mem = Double.parseDouble(value);
                case "--disk" -> disk = Double.parseDouble(value);
                case "--heartbeat" -> builder.heartbeatInterval(Duration.ofMillis((long) (Double.parseDouble(value) * 1000)));
                case "--work-dir" -> builder.workDir(Path.of(value));
                case "--help", "-h" -> {
                    System.out.println("usage: MesosSimulatorMain [--port 5050] [--agent-port 5051] [--cpus 2] "
                            + "[--mem 4096] [--disk 10000] [--heartbeat 15] [--work-dir DIR]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
            i++;
        }
        MesosSimulator mesos = builder.resources(cpus, mem, disk).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            mesos.close();
            stopped.countDown();
        }));
        System.out.println("Mesos simulator: master " + mesos.masterAddress() + " (" + mesos.schedulerEndpoint()
                + "), agent " + mesos.agentEndpoint() + ", sandboxes under " + mesos.workDir());
        stopped.await();
    }
}
