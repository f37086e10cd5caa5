package io.rendler.vagrant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks the Vagrant VM's configuration without booting a VM: runs the generator
 * {@code vagrant/mesos-flags.sh} that provision.sh writes the Mesos units from, and reads the
 * Vagrantfile and provision.sh. The generator needs only bash: no root, no Mesos, no network.
 */
class ProvisioningTest {

    private static final String IP = "192.168.56.10";

    private static Path root;
    private static Path flagsScript;

    @BeforeAll
    static void findRepository() {
        // Maven runs the tests in rendler-scheduler/; an IDE may use the repository root.
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("Vagrantfile"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            fail("no Vagrantfile in " + Path.of("").toAbsolutePath() + " or above");
        }
        root = dir;
        flagsScript = root.resolve("vagrant/mesos-flags.sh");
        assertTrue(Files.isRegularFile(flagsScript), flagsScript + " is missing");
    }

    private record Result(int exit, String out, String err) {}

    private static Result generate(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", flagsScript.toString()));
        command.addAll(Arrays.asList(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(root.resolve("rendler-scheduler").toFile());
        builder.environment().remove("MESOS_BIN_DIR");
        builder.environment().putAll(env);
        Path err = Files.createTempFile("mesos-flags", ".err");
        try {
            builder.redirectError(err.toFile());
            Process process = builder.start();
            process.getOutputStream().close();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("mesos-flags.sh " + String.join(" ", args) + " did not finish");
            }
            return new Result(process.exitValue(), out, Files.readString(err));
        } finally {
            Files.deleteIfExists(err);
        }
    }

    private static String run(String... args) throws Exception {
        Result result = generate(Map.of(), args);
        assertEquals(0, result.exit(), "mesos-flags.sh " + String.join(" ", args) + ": " + result.err());
        assertEquals("", result.err(), "mesos-flags.sh wrote to stderr");
        return result.out();
    }

    private static List<String> commandLine(String role) throws Exception {
        String out = run(role, IP);
        assertEquals(1, out.lines().count(), "one line expected:\n" + out);
        return List.of(out.strip().split(" +"));
    }

    private static String flagValue(List<String> line, String name) {
        String prefix = "--" + name + "=";
        List<String> values = line.stream().filter(t -> t.startsWith(prefix)).map(t -> t.substring(prefix.length())).toList();
        assertEquals(1, values.size(), "--" + name + " should appear exactly once in " + line);
        return values.get(0);
    }

    private static void assertNoZooKeeper(List<String> line) {
        for (String token : line) {
            assertFalse(token.startsWith("--zk"), "ZooKeeper flag " + token);
            assertFalse(token.startsWith("--quorum"), "--quorum only matters for the replicated log: " + token);
            assertFalse(token.contains("zk://"), "ZooKeeper URL in " + token);
        }
    }

    private static void assertBindsAndAdvertisesVmIp(List<String> line) {
        assertEquals(IP, flagValue(line, "ip"));
        assertEquals(IP, flagValue(line, "advertise_ip"));
        assertEquals(IP, flagValue(line, "hostname"));
        assertTrue(line.contains("--no-hostname_lookup"), "no hostname lookup expected in " + line);
        for (String token : line) {
            assertFalse(token.contains("127.0."), "loopback address in " + token);
            assertFalse(token.contains("localhost"), "localhost in " + token);
        }
    }

    @Test
    void masterRunsWithoutZooKeeperOnTheVmAddress() throws Exception {
        List<String> line = commandLine("master");
        assertTrue(line.get(0).endsWith("/mesos-master"), line.get(0));
        assertEquals("in_memory", flagValue(line, "registry"));
        assertEquals("5050", flagValue(line, "port"));
        assertEquals("/var/lib/mesos/master", flagValue(line, "work_dir"));
        assertEquals("/usr/share/mesos/webui", flagValue(line, "webui_dir"));
        assertBindsAndAdvertisesVmIp(line);
        assertNoZooKeeper(line);
    }

    @Test
    void agentUsesPosixLauncherAndIsolationForCgroupV2() throws Exception {
        List<String> line = commandLine("agent");
        assertTrue(line.get(0).endsWith("/mesos-agent"), line.get(0));
        assertEquals("posix", flagValue(line, "launcher"));
        assertEquals("posix/cpu,posix/mem", flagValue(line, "isolation"));
        assertTrue(line.contains("--no-systemd_enable_support"), line.toString());
        assertFalse(line.stream().anyMatch(t -> t.startsWith("--systemd_enable_support")), line.toString());
        assertEquals("mesos", flagValue(line, "containerizers"));
    }

    @Test
    void agentFindsTheMasterByAddressNotZooKeeper() throws Exception {
        List<String> line = commandLine("agent");
        assertEquals(IP + ":5050", flagValue(line, "master"));
        assertEquals("5051", flagValue(line, "port"));
        assertBindsAndAdvertisesVmIp(line);
        assertNoZooKeeper(line);
    }

    @Test
    void agentWaitsLongerThanTheDefaultMinuteForExecutors() throws Exception {
        String timeout = flagValue(commandLine("agent"), "executor_registration_timeout");
        Matcher m = Pattern.compile("(\\d+)(secs|mins)").matcher(timeout);
        assertTrue(m.matches(), "unexpected duration " + timeout);
        long seconds = Long.parseLong(m.group(1)) * (m.group(2).equals("mins") ? 60 : 1);
        assertTrue(seconds >= 180, "a cold VM needs minutes to fetch the jar and start the JVM: " + timeout);
        assertEquals("5mins", timeout);
    }

    @Test
    void agentRunsExecutorsAsItsOwnUserWithAnExplicitEnvironment() throws Exception {
        List<String> line = commandLine("agent");
        // A host's login name does not exist in the VM.
        assertTrue(line.contains("--no-switch_user"), line.toString());
        assertEquals("file:///etc/mesos-agent/executor-environment.json", flagValue(line, "executor_environment_variables"));
        assertTrue(flagValue(line, "fetcher_cache_dir").startsWith("/var/lib/mesos/"), line.toString());
        assertEquals("/var/lib/mesos/agent", flagValue(line, "work_dir"));
    }

    @Test
    void executorEnvironmentNamesChromiumAndPath() throws Exception {
        String json = run("executor-env");
        assertTrue(json.strip().startsWith("{") && json.strip().endsWith("}"), json);
        assertTrue(json.contains("\"RENDLER_CHROMIUM\": \"/usr/bin/chromium\""), json);
        assertTrue(json.contains("\"PATH\": \"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\""), json);
        assertTrue(json.contains("\"PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD\": \"1\""), json);
        // Every entry is "KEY": "value", separated by commas, none after the last one.
        List<String> entries = json.lines().map(String::strip).filter(l -> l.startsWith("\"")).toList();
        assertEquals(4, entries.size(), json);
        for (int i = 0; i < entries.size(); i++) {
            assertTrue(entries.get(i).matches("\"[A-Z_]+\": \"[^\"\\\\]*\"" + (i < entries.size() - 1 ? "," : "")),
                    entries.get(i));
        }
        assertTrue(run("executor-env", "/opt/chrome/chrome").contains("\"RENDLER_CHROMIUM\": \"/opt/chrome/chrome\""));
        assertEquals(2, generate(Map.of(), "executor-env", "chromium").exit(), "a relative path must be refused");
    }

    @Test
    void generatorGivesTheSameOutputEveryTime() throws Exception {
        for (String what : List.of("master", "agent", "master-unit", "agent-unit")) {
            assertEquals(run(what, IP), run(what, IP), what);
        }
        assertEquals(run("executor-env"), run("executor-env"));
    }

    /** The unit's ExecStart, continuation lines joined, is the command line checked above. */
    @Test
    void unitsStartExactlyTheGeneratedCommandLines() throws Exception {
        for (String role : List.of("master", "agent")) {
            String unit = run(role + "-unit", IP);
            assertTrue(unit.contains("\n[Unit]\n"), unit);
            assertTrue(unit.contains("\n[Service]\n"), unit);
            assertTrue(unit.contains("\n[Install]\nWantedBy=multi-user.target\n"), unit);
            assertTrue(unit.contains("\nRestart=always\n"), unit);
            Matcher m = Pattern.compile("(?m)^ExecStart=((?:.*\\\\\\n)*.*)$").matcher(unit);
            assertTrue(m.find(), "no ExecStart in\n" + unit);
            String execStart = m.group(1).replaceAll("\\s*\\\\\\n\\s*", " ").strip();
            assertEquals(String.join(" ", commandLine(role)), execStart, role);
            assertFalse(m.find(), "a second ExecStart in\n" + unit);
        }
        assertTrue(run("agent-unit", IP).contains("After=network-online.target mesos-master.service"));
    }

    @Test
    void binaryDirectoryComesFromTheEnvironment() throws Exception {
        Result result = generate(Map.of("MESOS_BIN_DIR", "/opt/mesos/sbin"), "agent", IP);
        assertEquals(0, result.exit(), result.err());
        assertTrue(result.out().startsWith("/opt/mesos/sbin/mesos-agent --"), result.out());
        Result master = generate(Map.of("MESOS_BIN_DIR", "/usr/local/sbin"), "master", IP);
        assertTrue(master.out().startsWith("/usr/local/sbin/mesos-master --"), master.out());
        assertTrue(master.out().contains(" --webui_dir=/usr/local/share/mesos/webui "), master.out());
        assertEquals("/usr/sbin/mesos-master", commandLine("master").get(0));
    }

    @Test
    void refusesAddressesTheHostCannotReach() throws Exception {
        for (String bad : List.of("127.0.0.1", "192.168.56", "192.168.56.300", "vm.local", "")) {
            for (String what : List.of("master", "agent-unit")) {
                Result result = generate(Map.of(), what, bad);
                assertEquals(2, result.exit(), what + " " + bad + " should be refused");
                assertEquals("", result.out(), what + " " + bad + " printed " + result.out());
            }
        }
        assertEquals(2, generate(Map.of(), "master").exit(), "missing address");
        assertEquals(2, generate(Map.of(), "leader", IP).exit(), "unknown role");
    }

    private static String vagrantfile() throws IOException {
        return Files.readString(root.resolve("Vagrantfile"));
    }

    private static String vagrantfileDefault(String setting) throws IOException {
        Matcher m = Pattern.compile("ENV\\.fetch\\(\"" + setting + "\", \"([^\"]+)\"\\)").matcher(vagrantfile());
        assertTrue(m.find(), setting + " default not found in the Vagrantfile");
        return m.group(1);
    }

    private static long ipv4(String address) {
        String[] parts = address.split("\\.");
        assertEquals(4, parts.length, address);
        long value = 0;
        for (String part : parts) {
            int octet = Integer.parseInt(part);
            assertTrue(octet >= 0 && octet <= 255, address);
            value = value << 8 | octet;
        }
        return value;
    }

    @Test
    void vagrantfileAddressIsInVirtualBoxHostOnlyRange() throws Exception {
        String ip = vagrantfileDefault("RENDLER_VM_IP");
        assertEquals(IP, ip, "the README and the tests assume this address");
        long network = ipv4("192.168.56.0");
        long mask = 0xFFFFFFFFL << (32 - 21) & 0xFFFFFFFFL;
        assertEquals(network, ipv4(ip) & mask, ip + " is outside 192.168.56.0/21, which VirtualBox allows by default");
        assertNotEquals(ipv4("192.168.56.1"), ipv4(ip), "the host has .1");
        assertNotEquals(network, ipv4(ip));

        String file = vagrantfile();
        assertTrue(file.contains("config.vm.network \"private_network\", ip: VM_IP"), "private network on VM_IP");
        assertTrue(file.contains("args: [VM_IP]"), "provision.sh gets VM_IP");
    }

    @Test
    void vagrantfileSizesSyncsAndForwards() throws Exception {
        assertTrue(Integer.parseInt(vagrantfileDefault("RENDLER_VM_CPUS")) >= 2);
        assertTrue(Integer.parseInt(vagrantfileDefault("RENDLER_VM_MEMORY")) >= 4096);
        String file = vagrantfile();
        assertTrue(file.contains("config.vm.synced_folder \".\", \"/rendler\""), "repository synced to /rendler");
        assertTrue(file.contains("guest: 5050"), "Mesos UI forwarded");
        assertTrue(file.contains("path: \"vagrant/provision.sh\""), "provisioned by vagrant/provision.sh");
        assertTrue(file.contains("config.vm.provider \"virtualbox\""), "VirtualBox provider");
        assertTrue(file.contains("config.vm.provider \"libvirt\""), "libvirt provider");
        assertTrue(Pattern.compile("config\\.vm\\.box = \"[^\"]*ubuntu-24\\.04\"").matcher(file).find(), "Ubuntu 24.04 box");
    }

    /** Structure that keeps `vagrant provision` safe to repeat. */
    @Test
    void provisioningScriptIsRepeatable() throws Exception {
        String script = Files.readString(root.resolve("vagrant/provision.sh"));
        List<String> code = script.lines().map(String::strip).filter(l -> !l.startsWith("#")).toList();

        for (String line : code) {
            // Appending would duplicate lines on every run; files are compared and replaced whole.
            assertFalse(line.matches(".*[^>&0-9]>>\\s*/.*") || line.startsWith(">>"), "appends to a file: " + line);
            assertFalse(line.contains("tee -a"), "appends to a file: " + line);
            assertFalse(line.contains("sed -i"), "edits a file in place: " + line);
        }
        // The package source is one setting at the top, overridable from the Vagrantfile.
        List<String> assignments = code.stream().filter(l -> l.startsWith("MESOS_DEB_URL=")).toList();
        assertEquals(1, assignments.size(), assignments.toString());
        assertTrue(assignments.get(0).startsWith("MESOS_DEB_URL=\"${MESOS_DEB_URL:-"), assignments.get(0));
        assertTrue(script.indexOf("MESOS_DEB_URL=") < script.indexOf("install_packages ca-certificates"),
                "MESOS_DEB_URL belongs at the top");

        // The units come from the generator the tests above check.
        assertTrue(script.contains("\"$FLAGS_SCRIPT\" master-unit \"$VM_IP\""), "master unit from mesos-flags.sh");
        assertTrue(script.contains("\"$FLAGS_SCRIPT\" agent-unit \"$VM_IP\""), "agent unit from mesos-flags.sh");
        assertTrue(script.contains("\"$FLAGS_SCRIPT\" executor-env"), "executor environment from mesos-flags.sh");
        assertTrue(script.contains("write_file 0644 /etc/systemd/system/mesos-master.service"), script);
        assertTrue(script.contains("write_file 0644 /etc/systemd/system/mesos-agent.service"), script);

        // Installs check first.
        assertTrue(script.contains("is_installed chromium"), "chromium install is guarded");
        assertTrue(script.contains("command -v mesos-master"), "Mesos install is guarded");
        assertTrue(script.contains("RENDLER_CHROMIUM="), "RENDLER_CHROMIUM is exported system-wide");
        assertTrue(script.contains("openjdk-17-jre-headless") && script.contains("graphviz"), "Java and Graphviz");
        assertFalse(script.contains("snap install"), "Chromium must not be the snap");
        assertTrue(script.startsWith("#!/usr/bin/env bash\n"), "bash script");
        assertTrue(script.contains("set -euo pipefail"), "stops at the first error");
    }
}
