package dev.lightspeed.train;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lightspeed.models.trace.ChromeTrace;
import dev.lightspeed.models.trace.TraceRecorder;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.pytorch.ActivityTypeSet;
import org.bytedeco.pytorch.ExperimentalConfig;
import org.bytedeco.pytorch.MemCopyFunction;
import org.bytedeco.pytorch.PlacementConsumer;
import org.bytedeco.pytorch.PointerConsumer;
import org.bytedeco.pytorch.ProfilerConfig;
import org.bytedeco.pytorch.StringVector;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * libtorch's own profiler (the Kineto profiler behind {@code torch.profiler}): every operator the calling thread
 * runs, with its input shapes, as libtorch records it.
 *
 * <p>The preset maps the profiler's configuration ({@code ProfilerConfig}, {@code ActivityTypeSet},
 * {@code prepareProfiler}) but neither the calls that start and stop it ({@code enableProfiler},
 * {@code disableProfiler}) nor its result ({@code ProfilerResult}, {@code KinetoEvent}). libtorch exports them, and
 * every argument they take is a pointer or a reference, so they are called at their addresses through function
 * pointer classes of the preset whose C signatures have the same shape (JavaCPP calls a {@code FunctionPointer}
 * through the function address stored where the object points). The result is read the way libtorch hands it to
 * people: {@code ProfilerResult::save} writes libtorch's Chrome trace, which is merged into ours. A libtorch whose
 * symbols differ (another version, another C++ library) leaves {@link #unavailable()} saying which is missing.
 */
public final class LibtorchProfiler {

    /** The exported entry points, by mangled name (libstdc++'s C++11 ABI, as the Linux builds use). */
    private enum Entry {
        /** torch::autograd::profiler::enableProfiler(const ProfilerConfig&, const std::set&lt;ActivityType&gt;&,
         *  const std::unordered_set&lt;at::RecordScope&gt;&). */
        ENABLE("_ZN5torch8autograd8profiler14enableProfilerERKNS_8profiler4impl14ProfilerConfigERKSt3setINS3_12"
                + "ActivityTypeESt4lessIS8_ESaIS8_EERKSt13unordered_setIN2at11RecordScopeESt4hashISH_ESt8equal_to"
                + "ISH_ESaISH_EE"),
        /** std::unique_ptr&lt;ProfilerResult&gt; torch::autograd::profiler::disableProfiler(), returned through a
         *  pointer to the result's slot. */
        DISABLE("_ZN5torch8autograd8profiler15disableProfilerEv"),
        /** void ProfilerResult::save(const std::string& path). */
        SAVE("_ZN5torch8autograd8profiler14ProfilerResult4saveERKNSt7__cxx1112basic_stringIcSt11char_traitsIcE"
                + "SaIcEEE"),
        /** ProfilerResult::~ProfilerResult(). */
        DESTROY("_ZN5torch8autograd8profiler14ProfilerResultD1Ev"),
        /** operator delete(void*), which frees what disableProfiler's std::make_unique allocated. */
        FREE("_ZdlPv");

        private final String symbol;

        Entry(String symbol) {
            this.symbol = symbol;
        }
    }

    /** Each entry's address in a slot of its own, as a FunctionPointer expects it; empty when one is missing. */
    private static final Optional<Map<Entry, PointerPointer<Pointer>>> ENTRIES = resolve();

    private final ProfilerConfig config;
    private final ActivityTypeSet activities;
    private final BytePointer noScopes;

    private LibtorchProfiler(ProfilerConfig config, ActivityTypeSet activities, BytePointer noScopes) {
        this.config = config;
        this.activities = activities;
        this.noScopes = noScopes;
    }

    private static Optional<Map<Entry, PointerPointer<Pointer>>> resolve() {
        torch.get_num_threads(); // loads libtorch, whose symbols are looked up next
        Map<Entry, PointerPointer<Pointer>> entries = new LinkedHashMap<>();
        for (Entry entry : Entry.values()) {
            Pointer address = Loader.addressof(entry.symbol);
            if (address == null || address.isNull()) {
                return Optional.empty();
            }
            PointerPointer<Pointer> slot = new PointerPointer<>(1);
            slot.retainReference();
            entries.put(entry, slot.put(0, address));
        }
        return Optional.of(entries);
    }

    /** Why libtorch's profiler cannot be reached from this build, or empty when it can. */
    public static Optional<String> unavailable() {
        if (ENTRIES.isPresent()) {
            return Optional.empty();
        }
        List<String> missing = new ArrayList<>();
        for (Entry entry : Entry.values()) {
            Pointer address = Loader.addressof(entry.symbol);
            if (address == null || address.isNull()) {
                missing.add(entry.symbol);
            }
        }
        return Optional.of("this libtorch does not export " + String.join(", ", missing));
    }

    /**
     * Starts recording the operators the calling thread runs, with their input shapes, and on CUDA the kernels they
     * launch.
     *
     * @throws IllegalStateException when the profiler is unavailable or already recording
     */
    static LibtorchProfiler start(ComputeDevice device) {
        Map<Entry, PointerPointer<Pointer>> entries = ENTRIES.orElseThrow(
                () -> new IllegalStateException(unavailable().orElseThrow()));
        if (torch.profilerEnabled()) {
            throw new IllegalStateException("libtorch's profiler is already recording on this thread");
        }
        ProfilerConfig config = new ProfilerConfig(torch.ProfilerState.KINETO, true, false, false, false, false,
                new ExperimentalConfig(), new BytePointer(""));
        ActivityTypeSet activities = new ActivityTypeSet();
        activities.insert(torch.ActivityType.CPU);
        if (device.device().is_cuda()) {
            activities.insert(torch.ActivityType.CUDA);
        }
        BytePointer noScopes = emptyRecordScopeSet();
        // Kept alive by this object, not by a PointerScope the caller may close while the profiler records.
        config.retainReference();
        activities.retainReference();
        noScopes.retainReference();
        torch.prepareProfiler(config, activities);
        new MemCopyFunction(entries.get(Entry.ENABLE)).call(config, activities, noScopes.address());
        return new LibtorchProfiler(config, activities, noScopes);
    }

    /**
     * Starts the profiler for a trace, or notes in the trace why its operators are missing and returns
     * {@code null}.
     */
    static LibtorchProfiler startFor(TraceRecorder trace, ComputeDevice device) {
        Optional<String> unavailable = unavailable();
        if (unavailable.isPresent()) {
            trace.note("operators", "not recorded: " + unavailable.get());
            return null;
        }
        return start(device);
    }

    /**
     * An empty {@code std::unordered_set<at::RecordScope>} (which tells the profiler to record every scope), laid
     * out as libstdc++ lays out an empty hash table: its bucket array is its own single bucket, and no elements.
     */
    private static BytePointer emptyRecordScopeSet() {
        BytePointer set = new BytePointer(56);
        set.fill(0);
        LongPointer words = new LongPointer(set);
        words.put(0, set.address() + 48); // _M_buckets → _M_single_bucket
        words.put(1, 1); // _M_bucket_count
        new FloatPointer(set).put(8, 1.0f); // _M_rehash_policy._M_max_load_factor
        return set;
    }

    /**
     * Stops recording and adds libtorch's events to {@code trace} on its time base: its operators and whatever
     * else it recorded for this process (its own bookkeeping of the profiling session is left out).
     */
    void stopInto(TraceRecorder trace) throws IOException {
        Map<Entry, PointerPointer<Pointer>> entries = ENTRIES.orElseThrow();
        PointerPointer<Pointer> resultSlot = new PointerPointer<>(1);
        new PointerConsumer(entries.get(Entry.DISABLE)).call(resultSlot);
        Pointer result = resultSlot.get(0);
        release();
        Path saved = Files.createTempFile("lightspeed-libtorch-trace", ".json");
        try {
            StringVector path = new StringVector(saved.toString());
            Pointer pathString = new PointerPointer<Pointer>(path).get(0); // the vector's first std::string
            new PlacementConsumer(entries.get(Entry.SAVE)).call(result, pathString.address());
            new PointerConsumer(entries.get(Entry.DESTROY)).call(result);
            new PointerConsumer(entries.get(Entry.FREE)).call(result);
            ChromeTrace libtorch = ChromeTrace.read(saved);
            // libtorch counts microseconds from baseTimeNanoseconds, a time on the system clock.
            long base = libtorch.field("baseTimeNanoseconds").asLong(0);
            long pid = ProcessHandle.current().pid();
            List<JsonNode> ours = libtorch.rawEvents().stream()
                    .filter(e -> e.path("pid").isIntegralNumber() && e.path("pid").asLong() == pid)
                    .filter(e -> !"M".equals(e.path("ph").asText()))
                    .toList();
            trace.merge(ours, base);
        } finally {
            Files.deleteIfExists(saved);
        }
    }

    private void release() {
        config.releaseReference();
        activities.releaseReference();
        noScopes.releaseReference();
    }
}
