using System.Net;
using Discovery.Grains.Networks;
using Discovery.Network.Overlay;

namespace Discovery.Grains.Tests.Networks;

/// <summary>A host's links and forwarding entries, read and changed by the agents' ip and bridge commands as the kernel would.</summary>
internal sealed class FakeOverlayHost : IOverlayCommandRunner
{
    private readonly Dictionary<string, string?> _links = []; // device -> master
    private readonly Dictionary<string, HashSet<IPAddress>> _floods = [];

    public bool Has(string device)
    {
        lock (this)
            return _links.ContainsKey(device);
    }

    public HashSet<IPAddress> FloodTargets(string device)
    {
        lock (this)
            return _floods.TryGetValue(device, out var f) ? [.. f] : [];
    }

    /// <summary>Every command run, in order.</summary>
    public List<string> Log { get; } = [];

    /// <summary>Commands starting with this text fail as a kernel refusing them would.</summary>
    public string? Refuse { get; set; }

    public Task<OverlayCommandResult> RunAsync(OverlayCommand command, CancellationToken cancellationToken = default)
    {
        lock (this)
        {
            Log.Add(command.ToString());
            if (Refuse is { } refused && command.ToString().StartsWith(refused, StringComparison.Ordinal))
                return Task.FromResult(new OverlayCommandResult(2, "", "RTNETLINK answers: Operation not permitted\n"));
            return Task.FromResult(Run(command.Program, command.Arguments.ToList()));
        }
    }

    private OverlayCommandResult Run(string program, List<string> a)
    {
        var ok = new OverlayCommandResult(0, "", "");
        var command = $"{program} {string.Join(' ', a)}";
        OverlayCommandResult Fail(string error) => new(1, "", $"{error} ({command})");
        switch (program, a[0], a[1], a[2])
        {
            case ("ip", "-o", "link", "show"):
                return _links.TryGetValue(a[4], out var master)
                    ? ok with { Output = $"9: {a[4]}: <UP> mtu 1450{(master is null ? "" : $" master {master}")} state UP\n" }
                    : Fail($"Device \"{a[4]}\" does not exist.");
            case ("bridge", "fdb", "show", _):
                return _links.ContainsKey(a[3])
                    ? ok with { Output = string.Concat(FloodsOf(a[3]).Select(d => $"00:00:00:00:00:00 dst {d} self permanent\n")) }
                    : Fail("Cannot find device");
            case ("ip", "link", "add", _):
                return _links.TryAdd(a[2], null) ? ok : Fail("RTNETLINK answers: File exists");
            case ("ip", "link", "del", _):
                _floods.Remove(a[2]);
                return _links.Remove(a[2]) ? ok : Fail("Cannot find device");
            case ("ip", "link", "set", _):
                if (!_links.ContainsKey(a[2]) || a.IndexOf("master") is var at && at > 0 && !_links.ContainsKey(a[at + 1]))
                    return Fail("Cannot find device");
                if (at > 0)
                    _links[a[2]] = a[at + 1];
                return ok;
            case ("bridge", "fdb", "append", _):
                return !_links.ContainsKey(a[4]) ? Fail("Cannot find device")
                    : FloodsOf(a[4]).Add(IPAddress.Parse(a[6])) ? ok : Fail("appended twice");
            case ("bridge", "fdb", "del", _):
                return FloodsOf(a[4]).Remove(IPAddress.Parse(a[6])) ? ok : Fail("no such entry");
            default:
                return Fail("unexpected command");
        }
    }

    private HashSet<IPAddress> FloodsOf(string device) => _floods.TryGetValue(device, out var f) ? f : _floods[device] = [];
}
