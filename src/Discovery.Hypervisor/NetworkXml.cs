using System.Globalization;
using System.Xml.Linq;

namespace Discovery.Hypervisor;

/// <summary>What a node's network for one VE is made of: the typed input of <see cref="NetworkXml.Build"/>.</summary>
/// <param name="Name">The libvirt network name (letters, digits, '.', '-', '_').</param>
/// <param name="Bridge">The host bridge libvirt creates for it (at most 15 characters, a Linux interface name).</param>
/// <param name="Mtu">The bridge's MTU: 1450 leaves room for the VXLAN header when the VE spans sites.</param>
/// <param name="Uuid">The network's UUID, or null to let libvirt choose.</param>
public sealed record NetworkSpec(string Name, string Bridge, int Mtu = 1450, Guid? Uuid = null)
{
    /// <summary>Returns null when the spec can become a network, otherwise which field is wrong and why.</summary>
    public string? Validate()
    {
        if (string.IsNullOrEmpty(Name) || Name.Length > DomainSpec.MaxNameLength || !Name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
            return $"name '{Name}' must be 1 to {DomainSpec.MaxNameLength} letters, digits, '.', '-' or '_'";
        if (string.IsNullOrEmpty(Bridge) || Bridge.Length > 15 || !Bridge.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            return $"bridge '{Bridge}' must be 1 to 15 letters, digits, '-' or '_' (a Linux interface name)";
        if (Mtu is < 576 or > 65535)
            return $"mtu must be between 576 and 65535 (got {Mtu})";
        return null;
    }
}

/// <summary>
/// Builds network XML with an XML writer, like <see cref="DomainXml"/>. The network is isolated (no forward element):
/// a VE's VMs talk to each other over it, and across sites through the VXLAN device the node agent adds to its bridge;
/// addresses come from the VE's IPAM record, not from a per-node DHCP server (which would answer on every site at once).
/// </summary>
public static class NetworkXml
{
    /// <summary>The network XML; throws <see cref="ArgumentException"/> naming the bad field of an invalid spec.</summary>
    public static string Build(NetworkSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Validate() is { } problem)
            throw new ArgumentException($"network spec: {problem}", nameof(spec));
        return new XElement("network",
            new XElement("name", spec.Name),
            spec.Uuid is { } uuid ? new XElement("uuid", uuid.ToString()) : null,
            new XElement("bridge", new XAttribute("name", spec.Bridge), new XAttribute("stp", "off")),
            new XElement("mtu", new XAttribute("size", spec.Mtu.ToString(CultureInfo.InvariantCulture)))).ToString();
    }
}
