package dev.lightspeed.train.parallel;

import dev.lightspeed.models.InputError;
import dev.lightspeed.train.ComputeDevice;
import org.bytedeco.javacpp.chrono.Milliseconds;
import org.bytedeco.pytorch.AllreduceOptions;
import org.bytedeco.pytorch.Backend;
import org.bytedeco.pytorch.BroadcastOptions;
import org.bytedeco.pytorch.ByteVector;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.ProcessGroupGloo;
import org.bytedeco.pytorch.ReduceOp;
import org.bytedeco.pytorch.StringVector;
import org.bytedeco.pytorch.TCPStore;
import org.bytedeco.pytorch.TCPStoreOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.Work;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.nccl.ProcessGroupNCCL;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Replicas joined through PyTorch's c10d, as torch.distributed joins them: rank 0 serves a {@link TCPStore} at the
 * launch's master address, every rank meets there, and the collectives run on Gloo on the CPU or NCCL on CUDA.
 * Before the group forms, each rank publishes what it is about to train (world size, recipe, seed, data); a rank
 * that differs from rank 0 is refused, on every rank, before any step.
 *
 * <p>Tensors are summed and broadcast in buckets of up to {@value #BUCKET_BYTES} bytes (DDP's default size): one
 * collective per bucket instead of one per tensor, the buckets in flight together.
 */
public final class C10dReplicas implements Replicas {

    static final long BUCKET_BYTES = 25L << 20;
    private static final String IDENTITY = "lightspeed/identity/";
    private static final String VERDICT = "lightspeed/verdict";
    private static final String ACCEPTED = "ok";

    private final Launch launch;
    private final ComputeDevice device;
    private final TCPStore store;
    private final Backend backend;
    private final Duration timeout;
    private boolean failed;

    private C10dReplicas(Launch launch, ComputeDevice device, TCPStore store, Backend backend, Duration timeout) {
        this.launch = launch;
        this.device = device;
        this.store = store;
        this.backend = backend;
        this.timeout = timeout;
    }

    /**
     * Joins the run the launch describes, waiting up to {@code timeout} for every rank; the same timeout bounds
     * every collective afterwards.
     *
     * @param identity what this rank trains, by field (recipe, seed, data…): every rank must give rank 0's
     * @throws InputError     when the master port is taken, the master cannot be reached, or a rank trains
     *                        something else than rank 0 (another world size, recipe, seed or data)
     * @throws ReplicaFailure when a rank does not join in time
     */
    public static C10dReplicas join(Launch launch, ComputeDevice device, Duration timeout,
            Map<String, String> identity) {
        Map<String, String> mine = new LinkedHashMap<>();
        mine.put("world size", Integer.toString(launch.worldSize()));
        mine.putAll(identity);
        TCPStore store = store(launch, timeout);
        agree(store, launch, mine, timeout);
        Backend backend;
        try {
            backend = device.kind().equals("cuda") ? nccl(store, launch, timeout) : gloo(store, launch, timeout);
        } catch (RuntimeException e) {
            throw new ReplicaFailure("data-parallel rank " + launch.rank() + " could not form the process group with"
                    + " the other " + (launch.worldSize() - 1) + " ranks: " + reason(e), e);
        }
        return new C10dReplicas(launch, device, store, backend, timeout);
    }

    private static TCPStore store(Launch launch, Duration timeout) {
        TCPStoreOptions options = new TCPStoreOptions();
        // The store takes a C++ uint16_t, which Java sees as a short: ports above 32767 wrap to negative shorts.
        options.port((short) launch.masterPort());
        options.isServer(launch.leads());
        options.waitWorkers(false);
        options.timeout(new Milliseconds(timeout.toMillis()));
        String where = launch.masterAddress() + ":" + launch.masterPort();
        try {
            return new TCPStore(launch.masterAddress(), options);
        } catch (RuntimeException e) {
            String reason = reason(e);
            if (launch.leads() && reason.contains("EADDRINUSE")) {
                throw new InputError("master port " + launch.masterPort() + " is in use on " + launch.masterAddress()
                        + " (another run or program holds it); choose another MASTER_PORT");
            }
            if (launch.leads()) {
                throw new InputError("rank 0 cannot serve the rendezvous at " + where + " (" + reason
                        + "); set MASTER_ADDR to an address of this machine");
            }
            throw new InputError("rank " + launch.rank() + " cannot reach the rendezvous at " + where + " within "
                    + timeout.toSeconds() + " s (" + reason + "); check that rank 0 runs there and that MASTER_ADDR"
                    + " and MASTER_PORT name it");
        }
    }

    /** Every rank's identity against rank 0's: rank 0 checks them all and tells the others its verdict. */
    private static void agree(TCPStore store, Launch launch, Map<String, String> mine, Duration timeout) {
        store.set(IDENTITY + launch.rank(), bytes(encode(mine)));
        long deadline = System.nanoTime() + timeout.toNanos();
        if (launch.leads()) {
            for (int r = 1; r < launch.worldSize(); r++) {
                awaitKey(store, IDENTITY + r, deadline, "rank " + r + " did not join within " + timeout.toSeconds()
                        + " s; start all " + launch.worldSize() + " ranks (or raise the timeout)", launch);
                String difference = difference(mine, decode(text(store.get(IDENTITY + r))), r);
                if (difference != null) {
                    store.set(VERDICT, bytes(difference));
                    throw new InputError(difference);
                }
            }
            store.set(VERDICT, bytes(ACCEPTED));
            return;
        }
        String difference = difference(decode(text(store.get(IDENTITY + 0))), mine, launch.rank());
        if (difference != null) {
            throw new InputError(difference);
        }
        awaitKey(store, VERDICT, deadline, "rank 0 did not accept the ranks within " + timeout.toSeconds()
                + " s: another rank did not join", launch);
        String verdict = text(store.get(VERDICT));
        if (!verdict.equals(ACCEPTED)) {
            throw new InputError(verdict);
        }
    }

    /** How rank {@code rank}'s identity differs from rank 0's, or null when it does not. */
    private static String difference(Map<String, String> first, Map<String, String> other, int rank) {
        for (Map.Entry<String, String> e : first.entrySet()) {
            String theirs = other.get(e.getKey());
            if (!e.getValue().equals(theirs)) {
                String shown = e.getValue().length() + (theirs == null ? 0 : theirs.length()) < 80
                        ? " (" + theirs + " against rank 0's " + e.getValue() + ")" : "";
                return "rank " + rank + " was started with another " + e.getKey() + " than rank 0" + shown
                        + "; start every rank with the same command line";
            }
        }
        return null;
    }

    private static void awaitKey(TCPStore store, String key, long deadline, String lateMessage, Launch launch) {
        long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
        try {
            store._wait(new StringVector(key), new Milliseconds(left));
        } catch (RuntimeException e) {
            if (reason(e).toLowerCase().contains("timeout") || reason(e).toLowerCase().contains("timed out")) {
                throw new ReplicaFailure(lateMessage, e);
            }
            throw new ReplicaFailure("data-parallel rank " + launch.rank() + " lost the rendezvous"
                    + (launch.leads() ? "" : " served by rank 0") + ": " + reason(e), e);
        }
    }

    private static Backend gloo(TCPStore store, Launch launch, Duration timeout) {
        ProcessGroupGloo.Options options = ProcessGroupGloo.Options.create(new Milliseconds(timeout.toMillis()));
        // torch.distributed's rule: GLOO_SOCKET_IFNAME names the interface; else the host's own name, which on a
        // single machine run over loopback is loopback.
        String iface = System.getenv("GLOO_SOCKET_IFNAME");
        options.devices().push_back(iface != null && !iface.isBlank()
                ? ProcessGroupGloo.createDeviceForInterface(iface.split(",")[0].trim())
                : loopback(launch.masterAddress()) ? ProcessGroupGloo.createDeviceForHostname("127.0.0.1")
                : ProcessGroupGloo.createDefaultDevice());
        return new ProcessGroupGloo(store, launch.rank(), launch.worldSize(), options);
    }

    private static Backend nccl(TCPStore store, Launch launch, Duration timeout) {
        ProcessGroupNCCL.Options options = ProcessGroupNCCL.Options.create();
        options.timeout(new Milliseconds(timeout.toMillis()));
        return new ProcessGroupNCCL(store, launch.rank(), launch.worldSize(), options);
    }

    private static boolean loopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
    }

    @Override
    public int rank() {
        return launch.rank();
    }

    @Override
    public int size() {
        return launch.worldSize();
    }

    @Override
    public void sum(List<Tensor> tensors) {
        inBuckets(tensors, flat -> {
            AllreduceOptions options = new AllreduceOptions();
            options.reduceOp(new ReduceOp(ReduceOp.RedOpType.SUM));
            return backend.allreduce(new TensorVector(flat), options);
        });
    }

    @Override
    public void broadcast(List<Tensor> tensors) {
        inBuckets(tensors, flat -> {
            BroadcastOptions options = new BroadcastOptions();
            options.rootRank(0);
            return backend.broadcast(new TensorVector(flat), options);
        });
    }

    @Override
    public boolean any(boolean local) {
        // On the device: NCCL reduces device tensors only.
        Tensor flag = torch.full(new long[] {1}, new org.bytedeco.pytorch.Scalar(local ? 1.0 : 0.0),
                device.options(org.bytedeco.pytorch.global.torch.ScalarType.Float));
        sum(List.of(flag));
        return flag.item_double() > 0;
    }

    /**
     * Runs {@code collective} on flat buckets of the tensors (grouped by type and device, as a collective needs one
     * type), all started before any is waited for, and copies the results back unless a bucket is its one tensor.
     */
    // The guards act by their scope alone (libtorch's RAII), so the try body never names them.
    @SuppressWarnings("try")
    private void inBuckets(List<Tensor> tensors, Function<Tensor, Work> collective) {
        // Parameters take the results in place: outside autograd, as an optimizer step is.
        try (NoGradGuard noGrad = new NoGradGuard()) {
            runInBuckets(tensors, collective);
        }
    }

    private void runInBuckets(List<Tensor> tensors, Function<Tensor, Work> collective) {
        List<List<Tensor>> buckets = buckets(tensors);
        List<Tensor> flats = new ArrayList<>();
        List<Work> works = new ArrayList<>();
        try {
            for (List<Tensor> bucket : buckets) {
                Tensor flat = bucket.size() == 1 && bucket.get(0).is_contiguous() ? bucket.get(0) : flatten(bucket);
                flats.add(flat);
                works.add(collective.apply(flat));
            }
            for (Work work : works) {
                work._wait();
            }
        } catch (RuntimeException e) {
            failed = true;
            throw lost(e);
        }
        for (int b = 0; b < buckets.size(); b++) {
            List<Tensor> bucket = buckets.get(b);
            if (flats.get(b) == bucket.get(0)) {
                continue;
            }
            long offset = 0;
            for (Tensor t : bucket) {
                long n = t.numel();
                t.copy_(flats.get(b).narrow(0, offset, n).view(t.sizes()));
                offset += n;
            }
        }
    }

    private static Tensor flatten(List<Tensor> bucket) {
        TensorVector parts = new TensorVector();
        for (Tensor t : bucket) {
            parts.push_back(t.reshape(-1));
        }
        return torch.cat(parts, 0);
    }

    private static List<List<Tensor>> buckets(List<Tensor> tensors) {
        Map<String, List<List<Tensor>>> byKind = new LinkedHashMap<>();
        Map<String, Long> filled = new LinkedHashMap<>();
        for (Tensor t : tensors) {
            String kind = t.scalar_type() + "@" + t.device().str().getString();
            List<List<Tensor>> list = byKind.computeIfAbsent(kind, k -> new ArrayList<>());
            long bytes = t.numel() * t.element_size();
            if (list.isEmpty() || filled.get(kind) + bytes > BUCKET_BYTES) {
                list.add(new ArrayList<>());
                filled.put(kind, 0L);
            }
            list.get(list.size() - 1).add(t);
            filled.put(kind, filled.get(kind) + bytes);
        }
        List<List<Tensor>> all = new ArrayList<>();
        byKind.values().forEach(all::addAll);
        return all;
    }

    /** A collective that failed: the peer that stopped (with two ranks, the other one) and why. */
    private ReplicaFailure lost(RuntimeException e) {
        String reason = reason(e);
        String lower = reason.toLowerCase();
        String who = size() == 2 ? "rank " + (1 - rank()) : "another rank";
        String what = lower.contains("timed out") || lower.contains("timeout")
                ? who + " did not answer within " + timeout.toSeconds() + " s (it hangs, or its machine is lost)"
                : who + " stopped (" + reason + ")";
        return new ReplicaFailure("data-parallel " + what + "; rank " + rank() + " stops too", e);
    }

    /** libtorch's message without its source location and C++ stack. */
    static String reason(RuntimeException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String first = message.lines().findFirst().orElse(message).trim();
        // "[/path/to/pair.cc:547] Connection closed by peer [127.0.0.1]:13033"
        if (first.startsWith("[") && first.indexOf("] ") > 0) {
            first = first.substring(first.indexOf("] ") + 2);
        }
        return first;
    }

    private static ByteVector bytes(String text) {
        return new ByteVector(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(ByteVector bytes) {
        return new String(bytes.get(), StandardCharsets.UTF_8);
    }

    private static String encode(Map<String, String> fields) {
        StringBuilder s = new StringBuilder();
        fields.forEach((k, v) -> s.append(k.replace("\n", " ")).append('\n')
                .append(v.replace("\n", " ")).append('\n'));
        return s.toString();
    }

    private static Map<String, String> decode(String text) {
        Map<String, String> fields = new LinkedHashMap<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i + 1 < lines.length; i += 2) {
            fields.put(lines[i], lines[i + 1]);
        }
        return fields;
    }

    /**
     * Waits for every rank (so that rank 0's store outlives the others' last use of it) unless a rank was already
     * lost, then leaves.
     */
    @Override
    public void close() {
        if (!failed) {
            try {
                backend.barrier()._wait();
            } catch (RuntimeException e) {
                // A rank that left first has nothing more to say; leaving is all that remains.
            }
        }
        backend.shutdown();
    }

    @Override
    public String toString() {
        return launch.worldSize() + " processes";
    }
}
