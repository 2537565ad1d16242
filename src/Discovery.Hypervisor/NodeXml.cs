using System.Xml.Linq;

namespace Discovery.Hypervisor;

/// <summary>
/// Describes a host for libvirt's test driver: opening <c>test:///path/node.xml</c> gives an in-process hypervisor
/// whose <c>virNodeGetInfo</c> reports exactly these CPUs and memory, so each simulated node has its own capacity.
/// </summary>
public static class NodeXml
{
    /// <summary>The host description: one NUMA node, one socket, <paramref name="cpus"/> single-threaded cores.</summary>
    public static string Build(int cpus, long memoryMiB, string? description = null)
    {
        if (cpus < 1)
            throw new ArgumentOutOfRangeException(nameof(cpus), cpus, "a host needs at least 1 CPU");
        if (memoryMiB < 1)
            throw new ArgumentOutOfRangeException(nameof(memoryMiB), memoryMiB, "a host needs at least 1 MiB of memory");
        var node = new XElement("node",
            description is null ? null : new XComment(" " + description.Replace("--", "- -") + " "),
            new XElement("cpu",
                new XElement("mhz", 2000),
                new XElement("model", "x86_64"),
                new XElement("active", cpus),
                new XElement("nodes", 1),
                new XElement("sockets", 1),
                new XElement("cores", cpus),
                new XElement("threads", 1)),
            // The test driver reads host memory in KiB.
            new XElement("memory", memoryMiB * 1024));
        return node.ToString();
    }

    /// <summary>Writes the description to <paramref name="path"/> and returns the test-driver URI that opens it.</summary>
    public static string Write(string path, int cpus, long memoryMiB, string? description = null)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, Build(cpus, memoryMiB, description));
        return "test://" + full;
    }
}
