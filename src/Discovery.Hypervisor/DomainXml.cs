using System.Xml.Linq;

namespace Discovery.Hypervisor;

/// <summary>
/// Builds domain XML from a <see cref="DomainSpec"/> with an XML writer, never by pasting strings together, so no
/// value can inject markup.
/// </summary>
public static class DomainXml
{
    /// <summary>The domain type for a connection URI: the test driver for <c>test://</c>, KVM otherwise.</summary>
    public static HypervisorKind KindFor(string uri) =>
        uri.StartsWith("test:", StringComparison.OrdinalIgnoreCase) ? HypervisorKind.Test : HypervisorKind.Kvm;

    /// <summary>The domain XML; throws <see cref="ArgumentException"/> naming the bad field of an invalid spec.</summary>
    public static string Build(DomainSpec spec, HypervisorKind kind)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Validate() is { } problem)
            throw new ArgumentException($"domain spec: {problem}", nameof(spec));

        var devices = new XElement("devices");
        if (spec.DiskImage is { } image)
        {
            devices.Add(new XElement("disk", new XAttribute("type", "file"), new XAttribute("device", "disk"),
                new XElement("driver", new XAttribute("name", "qemu"), new XAttribute("type", spec.DiskFormat.ToString().ToLowerInvariant())),
                new XElement("source", new XAttribute("file", image)),
                new XElement("target", new XAttribute("dev", "vda"), new XAttribute("bus", "virtio"))));
        }
        if (kind != HypervisorKind.Test)
        {
            devices.Add(new XElement("serial", new XAttribute("type", "pty"), new XElement("target", new XAttribute("port", 0))));
            devices.Add(new XElement("console", new XAttribute("type", "pty"), new XElement("target", new XAttribute("type", "serial"), new XAttribute("port", 0))));
        }
        if (spec.Network is { } network)
        {
            devices.Add(new XElement("interface", new XAttribute("type", "network"),
                new XElement("source", new XAttribute("network", network)),
                spec.MacAddress is { } mac ? new XElement("mac", new XAttribute("address", mac)) : null,
                kind == HypervisorKind.Test ? null : new XElement("model", new XAttribute("type", "virtio"))));
        }

        var domain = new XElement("domain", new XAttribute("type", kind.ToString().ToLowerInvariant()),
            new XElement("name", spec.Name),
            spec.Uuid is { } uuid ? new XElement("uuid", uuid.ToString()) : null,
            new XElement("memory", new XAttribute("unit", "MiB"), spec.MemoryMiB),
            new XElement("vcpu", spec.Vcpus),
            new XElement("os", new XElement("type", new XAttribute("arch", "x86_64"), "hvm"),
                kind == HypervisorKind.Test ? null : new XElement("boot", new XAttribute("dev", "hd"))),
            // ACPI lets a guest hear a graceful shutdown request; the test driver has no guest to tell.
            kind == HypervisorKind.Test ? null : new XElement("features", new XElement("acpi")),
            new XElement("on_poweroff", "destroy"),
            new XElement("on_crash", "destroy"),
            devices);
        return domain.ToString();
    }
}
