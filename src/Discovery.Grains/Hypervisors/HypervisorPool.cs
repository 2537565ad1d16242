using System.Collections.Concurrent;
using Discovery.Abstractions.Nodes;
using Discovery.Hypervisor;
using Microsoft.Extensions.Options;

namespace Discovery.Grains.Hypervisors;

/// <summary>
/// The silo's open libvirt connections, one per URI, kept for the life of the silo. This matters for libvirt's test
/// driver: every open of <c>test:///path/node.xml</c> is a fresh host and closing it loses its domains, so a node
/// agent that deactivates and comes back must find the same connection here, not open a new one.
/// </summary>
public sealed class HypervisorPool : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<LibvirtConnection>> _connections = new();
    private readonly ConcurrentDictionary<string, bool> _poweredOff = new();
    private readonly string _root;
    private readonly bool _temporary;

    /// <summary>Uses the configured data directory, or a temporary one removed on dispose.</summary>
    public HypervisorPool(IOptions<HypervisorOptions> options)
    {
        _temporary = options.Value.DataDirectory is null;
        _root = options.Value.DataDirectory ?? Path.Combine(Path.GetTempPath(), $"discovery-{Environment.ProcessId}-{Guid.NewGuid():N}");
    }

    /// <summary>This silo's data directory (hosts, chunk stores, image caches).</summary>
    public string DataRoot => _root;

    /// <summary>The connection to <paramref name="uri"/>, opened on first use.</summary>
    public LibvirtConnection Connect(string uri) =>
        _poweredOff.ContainsKey(uri)
            ? throw new LibvirtException(LibvirtErrorCode.InvalidConnection, 0, $"cannot connect to {uri}: the host was powered off")
            : _connections.GetOrAdd(uri, u => new Lazy<LibvirtConnection>(() => LibvirtConnection.Open(u))).Value;

    /// <summary>
    /// Powers off an in-process test host, as a node failure would: its domains are gone with it and it cannot be
    /// reached any more. Only test hosts (<c>test://</c>) can be failed on purpose.
    /// </summary>
    public void PowerOff(string uri)
    {
        if (!uri.StartsWith("test://", StringComparison.Ordinal))
            throw new InvalidOperationException($"only an in-process test host can be failed on purpose, not {uri}");
        _poweredOff[uri] = true;
        if (_connections.TryRemove(uri, out var connection) && connection.IsValueCreated)
            connection.Value.Dispose();
    }

    /// <summary>Powers a host failed with <see cref="PowerOff"/> on again, empty, as a repaired machine comes back. False when it was not off.</summary>
    public bool PowerOn(string uri) => _poweredOff.TryRemove(uri, out _);

    /// <summary>
    /// The URI a node's agent should use: its configured one, or an in-process test host sized like the node, written
    /// to this silo's data directory.
    /// </summary>
    public string UriFor(NodeId node, NodeSpec spec)
    {
        if (spec.LibvirtUri is { } configured)
            return configured;
        var file = Path.Combine(_root, "hosts", node.Site, node.Name + ".xml");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        // The test host is described once: rewriting it would not change an open connection anyway.
        if (!File.Exists(file))
            File.WriteAllText(file, NodeXml.Build(spec.Cpus, spec.MemoryMiB, node.ToString()));
        return "test://" + file;
    }

    /// <summary>A fresh path for a saved domain state.</summary>
    public string StateFile(string domain)
    {
        var dir = Path.Combine(_root, "state");
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, $"{domain}-{Guid.NewGuid():N}.save");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var connection in _connections.Values.Where(c => c.IsValueCreated))
            connection.Value.Dispose();
        _connections.Clear();
        if (_temporary && Directory.Exists(_root))
            Directory.Delete(_root, recursive: true);
    }
}
