namespace Discovery.Hypervisor;

/// <summary>What a domain is made of: the typed input of <see cref="DomainXml.Build"/>.</summary>
/// <param name="Name">The domain name (letters, digits, '.', '-', '_').</param>
/// <param name="Vcpus">Virtual CPUs.</param>
/// <param name="MemoryMiB">Memory in MiB.</param>
/// <param name="DiskImage">Path of the disk image file, or null for a diskless domain.</param>
/// <param name="DiskFormat">The image's format.</param>
/// <param name="Network">The libvirt network its interface joins, or null for none.</param>
/// <param name="MacAddress">The interface's MAC address, or null to let libvirt choose.</param>
/// <param name="Uuid">The domain's UUID, or null to let libvirt choose.</param>
public sealed record DomainSpec(
    string Name,
    int Vcpus,
    long MemoryMiB,
    string? DiskImage = null,
    DiskFormat DiskFormat = DiskFormat.Qcow2,
    string? Network = null,
    string? MacAddress = null,
    Guid? Uuid = null)
{
    /// <summary>The longest domain name accepted.</summary>
    public const int MaxNameLength = 200;

    /// <summary>Returns null when the spec can become a domain, otherwise which field is wrong and why.</summary>
    public string? Validate()
    {
        if (string.IsNullOrEmpty(Name) || Name.Length > MaxNameLength)
            return $"name must be 1 to {MaxNameLength} characters (got {Name?.Length ?? 0})";
        foreach (var c in Name)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '.' or '-' or '_'))
                return $"name '{Name}' contains '{c}'; use letters, digits, '.', '-' and '_'";
        }
        if (Vcpus < 1)
            return $"vcpus must be at least 1 (got {Vcpus})";
        if (MemoryMiB < 1)
            return $"memory must be at least 1 MiB (got {MemoryMiB})";
        if (DiskImage is not null && (DiskImage.Length == 0 || !Path.IsPathRooted(DiskImage)))
            return $"disk image '{DiskImage}' must be an absolute path";
        if (MacAddress is not null && !System.Text.RegularExpressions.Regex.IsMatch(MacAddress, "^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$"))
            return $"MAC address '{MacAddress}' is not of the form 52:54:00:12:34:56";
        return null;
    }
}

/// <summary>Disk image formats.</summary>
public enum DiskFormat
{
    /// <summary>A raw image.</summary>
    Raw,

    /// <summary>A QEMU copy-on-write image.</summary>
    Qcow2,
}

/// <summary>Which kind of hypervisor a domain is defined for.</summary>
public enum HypervisorKind
{
    /// <summary>libvirt's in-process test driver.</summary>
    Test,

    /// <summary>QEMU with KVM acceleration.</summary>
    Kvm,

    /// <summary>QEMU without acceleration (TCG), for hosts without /dev/kvm.</summary>
    Qemu,
}
