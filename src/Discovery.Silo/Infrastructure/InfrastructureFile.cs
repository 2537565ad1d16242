using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.Sites;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Discovery.Silo.Infrastructure;

/// <summary>
/// The sites (PoPs) of an infrastructure, where they are, and their nodes, read from a YAML file such as
/// <c>demo-infrastructure.yaml</c>. Each site's silo registers its own site's nodes from it.
/// </summary>
public sealed record InfrastructureFile(IReadOnlyList<SiteEntry> Sites, IReadOnlyList<ImageEntry>? Images = null)
{
    /// <summary>Reads and validates a file; throws <see cref="InfrastructureFileException"/> naming the file, line and field.</summary>
    public static InfrastructureFile Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InfrastructureFileException($"cannot read infrastructure file '{path}': {e.Message}");
        }
        return Parse(text, path);
    }

    /// <summary>Parses and validates YAML text; <paramref name="source"/> names it in errors.</summary>
    public static InfrastructureFile Parse(string yaml, string source)
    {
        FileDto dto;
        try
        {
            var deserializer = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build();
            dto = deserializer.Deserialize<FileDto?>(yaml) ?? new FileDto();
        }
        catch (YamlException e)
        {
            var reason = e.InnerException?.Message ?? e.Message;
            throw new InfrastructureFileException($"{source}:{e.Start.Line}:{e.Start.Column}: {reason}");
        }
        return new InfrastructureFile(Validate(dto, source), ValidateImages(dto, source));
    }

    /// <summary>The site called <paramref name="name"/>, if the file declares it.</summary>
    public SiteEntry? FindSite(string name) => Sites.FirstOrDefault(s => s.Name == name);

    private static List<SiteEntry> Validate(FileDto dto, string source)
    {
        if (dto.Sites is not { Count: > 0 })
            throw new InfrastructureFileException($"{source}: declares no site; add a 'sites:' list");

        var sites = new List<SiteEntry>();
        foreach (var (site, index) in dto.Sites.Select((s, i) => (s, i)))
        {
            var where = $"{source}: sites[{index}]";
            if (SiteName.Validate(site.Name) is { } badName)
                throw new InfrastructureFileException($"{where}.name: {badName}");
            where = $"{source}: site '{site.Name}'";
            if (sites.Any(s => s.Name == site.Name))
                throw new InfrastructureFileException($"{where} is declared twice");
            if (site.Latitude is < -90 or > 90 || site.Longitude is < -180 or > 180)
                throw new InfrastructureFileException($"{where}: latitude must be within ±90 and longitude within ±180 (got {site.Latitude}, {site.Longitude})");
            if (site.Pue is { } pue && !(pue >= 1 && pue <= 5))
                throw new InfrastructureFileException($"{where}: pue is the site's power usage effectiveness, between 1 and 5 (got {pue})");
            sites.Add(new SiteEntry(site.Name!, site.Region, site.Latitude, site.Longitude, ExpandNodes(site, where), site.Pue));
        }
        return sites;
    }

    private static List<ImageEntry> ValidateImages(FileDto dto, string source)
    {
        var images = new List<ImageEntry>();
        foreach (var (image, index) in (dto.Images ?? []).Select((m, i) => (m, i)))
        {
            var where = $"{source}: images[{index}]";
            if (string.IsNullOrWhiteSpace(image.Name) || image.Name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
                throw new InfrastructureFileException($"{where}.name: '{image.Name}' must be letters, digits, '-', '_' and '.'");
            if (image.SizeGiB < 1)
                throw new InfrastructureFileException($"{where}: image '{image.Name}' needs sizeGiB of at least 1 (got {image.SizeGiB})");
            if (images.Any(m => m.Name == image.Name))
                throw new InfrastructureFileException($"{where}: image '{image.Name}' is declared twice");
            images.Add(new ImageEntry(image.Name, image.SizeGiB, image.Description));
        }
        return images;
    }

    private static List<NodeEntry> ExpandNodes(SiteDto site, string where)
    {
        var nodes = new List<NodeEntry>();
        foreach (var (node, index) in (site.Nodes ?? []).Select((n, i) => (n, i)))
        {
            if (node.Count is < 1)
                throw new InfrastructureFileException($"{where}: nodes[{index}].count must be at least 1 (got {node.Count})");
            var names = node.Count is { } count
                ? Enumerable.Range(1, count).Select(i => $"{node.Name}-{i}")
                : [node.Name ?? ""];
            foreach (var name in names)
            {
                if (NodeId.ValidateName(name) is { } badName)
                    throw new InfrastructureFileException($"{where}: nodes[{index}].name: {badName}");
                var spec = new NodeSpec(node.Cpus, node.MemoryMiB, node.Libvirt, node.CpuOvercommit ?? 1.0, node.DiskGiB ?? NodeSpec.DefaultDiskGiB);
                if (spec.Validate() is { } badSpec)
                    throw new InfrastructureFileException($"{where}: node '{name}': {badSpec}");
                if (nodes.Any(n => n.Name == name))
                    throw new InfrastructureFileException($"{where}: node '{name}' is declared twice");
                nodes.Add(new NodeEntry(name, spec));
            }
        }
        return nodes;
    }

    // YAML shapes: mutable, nullable, and only ever seen by the parser.
    private sealed class FileDto
    {
        public List<SiteDto>? Sites { get; set; }
        public List<ImageDto>? Images { get; set; }
    }

    private sealed class ImageDto
    {
        public string? Name { get; set; }
        public long SizeGiB { get; set; }
        public string? Description { get; set; }
    }

    private sealed class SiteDto
    {
        public string? Name { get; set; }
        public string? Region { get; set; }
        public double? Pue { get; set; }
        public double Latitude { get; set; }
        public double Longitude { get; set; }
        public List<NodeDto>? Nodes { get; set; }
    }

    private sealed class NodeDto
    {
        public string? Name { get; set; }
        public int? Count { get; set; }
        public int Cpus { get; set; }
        public long MemoryMiB { get; set; }
        public string? Libvirt { get; set; }
        public double? CpuOvercommit { get; set; }
        public long? DiskGiB { get; set; }
    }
}

/// <summary>A site of the infrastructure file.</summary>
public sealed record SiteEntry(string Name, string? Region, double Latitude, double Longitude, IReadOnlyList<NodeEntry> Nodes, double? Pue = null);

/// <summary>An image of the infrastructure file.</summary>
public sealed record ImageEntry(string Name, long SizeGiB, string? Description);

/// <summary>A node of a site in the infrastructure file.</summary>
public sealed record NodeEntry(string Name, NodeSpec Spec);

/// <summary>An infrastructure file that cannot be used; the message names the file, the place and the problem.</summary>
public sealed class InfrastructureFileException(string message) : Exception(message);
