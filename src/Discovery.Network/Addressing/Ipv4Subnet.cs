using System.Globalization;
using System.Net;

namespace Discovery.Network.Addressing;

/// <summary>An IPv4 subnet, <c>10.128.3.0/24</c>: a base address with its host bits zero, and a prefix length.</summary>
public readonly record struct Ipv4Subnet
{
    private Ipv4Subnet(uint network, int prefixLength) => (Network, PrefixLength) = (network, prefixLength);

    /// <summary>The first address, as a number (host bits zero).</summary>
    public uint Network { get; }

    /// <summary>How many leading bits name the subnet.</summary>
    public int PrefixLength { get; }

    /// <summary>How many addresses it spans.</summary>
    public long Size => 1L << (32 - PrefixLength);

    /// <summary>The last address, as a number.</summary>
    public uint Last => (uint)(Network + Size - 1);

    /// <summary>The subnet of <paramref name="prefixLength"/> bits starting at <paramref name="network"/>; throws if host bits are set.</summary>
    public static Ipv4Subnet Of(uint network, int prefixLength)
    {
        if (prefixLength is < 0 or > 32)
            throw new FormatException($"prefix length {prefixLength} must be between 0 and 32");
        var subnet = new Ipv4Subnet(network, prefixLength);
        if ((network & (uint)(subnet.Size - 1)) != 0)
            throw new FormatException($"{Format(network)}/{prefixLength} has host bits set (did you mean {Format(network & ~(uint)(subnet.Size - 1))}/{prefixLength}?)");
        return subnet;
    }

    /// <summary>Parses <c>a.b.c.d/n</c>; throws <see cref="FormatException"/> naming the problem.</summary>
    public static Ipv4Subnet Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length != 2 || !IPAddress.TryParse(parts[0], out var address) || address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var prefix))
            throw new FormatException($"'{text}' is not an IPv4 subnet like 10.128.0.0/16");
        return Of(ToNumber(address), prefix);
    }

    /// <summary>Whether the two subnets share an address.</summary>
    public bool Overlaps(Ipv4Subnet other) => Network <= other.Last && other.Network <= Last;

    /// <summary>Whether <paramref name="other"/> lies wholly inside this subnet.</summary>
    public bool Contains(Ipv4Subnet other) => Network <= other.Network && other.Last <= Last;

    /// <summary>The address <paramref name="offset"/> places after the network address.</summary>
    public IPAddress Address(long offset) =>
        offset >= 0 && offset < Size ? new IPAddress(BitConverter.GetBytes(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness((uint)(Network + offset))))
        : throw new ArgumentOutOfRangeException(nameof(offset), offset, $"{this} has {Size} addresses");

    /// <inheritdoc />
    public override string ToString() => $"{Format(Network)}/{PrefixLength}";

    private static uint ToNumber(IPAddress address) =>
        System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(address.GetAddressBytes());

    private static string Format(uint address) =>
        $"{address >> 24}.{(address >> 16) & 255}.{(address >> 8) & 255}.{address & 255}";
}
