namespace Discovery.Scheduling.Workload;

/// <summary>The size of a VM: its vCPUs (the ceiling of its CPU demand) and its memory.</summary>
public readonly record struct VmSize(int Vcpus, long MemoryMiB);

/// <summary>
/// Each VM's CPU demand walks between 0 and its vCPUs, one step every <see cref="RandomWalkOptions.StepSeconds"/>;
/// memory demand stays at the VM's size (guests rarely give memory back). Every VM has its own generator seeded from
/// the run's seed and the VM's name, so a VM's walk does not depend on which other VMs exist or in which order they
/// are asked about.
/// </summary>
public sealed class RandomWalkDemand : IDemandSource
{
    private readonly RandomWalkOptions _options;
    private readonly IReadOnlyDictionary<string, VmSize> _sizes;
    private readonly Dictionary<string, (Random Random, List<double> Steps)> _walks = [];

    /// <summary>A walk for each of <paramref name="sizes"/>.</summary>
    public RandomWalkDemand(RandomWalkOptions options, IReadOnlyDictionary<string, VmSize> sizes)
    {
        _options = (options ?? throw new ArgumentNullException(nameof(options))).Validate();
        _sizes = sizes ?? throw new ArgumentNullException(nameof(sizes));
        foreach (var (vm, size) in sizes)
            if (size.Vcpus < 1 || size.MemoryMiB < 0)
                throw new ArgumentException($"VM {vm} has an invalid size ({size.Vcpus} vCPUs, {size.MemoryMiB} MiB): it needs at least 1 vCPU and no negative memory", nameof(sizes));
    }

    /// <inheritdoc />
    public VmLoad DemandAt(string vm, double timeSeconds)
    {
        if (!_sizes.TryGetValue(vm, out var size))
            throw new ArgumentException($"the random walk has no VM named '{vm}'", nameof(vm));
        if (timeSeconds < 0 || double.IsNaN(timeSeconds))
            throw new ArgumentOutOfRangeException(nameof(timeSeconds), timeSeconds, "time must be 0 or later");
        var step = (int)Math.Floor(timeSeconds / _options.StepSeconds);
        return new VmLoad(CpuAtStep(vm, size, step), size.MemoryMiB);
    }

    private double CpuAtStep(string vm, VmSize size, int step)
    {
        if (!_walks.TryGetValue(vm, out var walk))
        {
            walk = (new Random(StableHash.Of(vm, _options.Seed)), [_options.InitialFraction * size.Vcpus]);
            _walks[vm] = walk;
        }
        while (walk.Steps.Count <= step)
        {
            var last = walk.Steps[^1];
            var moves = walk.Random.NextDouble() < _options.Volatility;
            var delta = (walk.Random.NextDouble() * 2 - 1) * _options.MaxStepFraction * size.Vcpus;
            walk.Steps.Add(moves ? Math.Clamp(last + delta, 0, size.Vcpus) : last);
        }
        return walk.Steps[step];
    }
}
