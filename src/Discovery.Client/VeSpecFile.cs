using System.Globalization;
using System.Text.RegularExpressions;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Discovery.Abstractions.Environments;
using Discovery.Abstractions.Environments.Constraints;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Discovery.Client;

/// <summary>
/// Reads and writes VE specs as YAML or JSON files, for the CLI and for tenants who keep their specs in files:
/// <code>
/// vms:
///   - { name: web, vcpus: 2, memoryMiB: 2048, image: debian-12, count: 2 }
///   - { name: db, vcpus: 4, memoryMiB: 8192 }
/// constraints:
///   - { kind: Spread, vms: [web] }
///   - { kind: Fence, vms: [db], where: [paris] }
/// near: { kind: Site, target: lyon, maxRttMs: 20 }
/// </code>
/// A constraint's <c>kind</c> is its type name; every constraint type of <see cref="PlacementConstraint"/>'s assembly
/// is known without registration.
/// </summary>
public static class VeSpecFile
{
    // Every constraint type is known by its name, without registration (declared before Json, which uses it).
    private static readonly IReadOnlyList<Type> ConstraintTypes = typeof(PlacementConstraint).Assembly.GetTypes()
        .Where(t => t.IsSubclassOf(typeof(PlacementConstraint)) && !t.IsAbstract).OrderBy(t => t.Name).ToList();

    private static readonly JsonSerializerOptions Json = CreateOptions();

    /// <summary>The largest spec file read (1 MiB): a VE of thousands of VMs fits many times over.</summary>
    public const long MaxFileBytes = 1 << 20;

    /// <summary>How deeply lists and maps may nest (the deepest real spec nests four levels).</summary>
    public const int MaxDepth = 32;

    /// <summary>Reads <paramref name="path"/> (<c>.json</c>, or YAML otherwise); throws <see cref="VeSpecFileException"/> naming the file and the place.</summary>
    public static VeSpec Load(string path)
    {
        string text;
        try
        {
            if (new FileInfo(path) is { Exists: true, Length: > MaxFileBytes } big)
                throw new VeSpecFileException($"VE spec '{path}' is larger than {MaxFileBytes / 1024} KiB ({big.Length} bytes): is it the right file?");
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new VeSpecFileException($"cannot read VE spec '{path}': {e.Message}");
        }
        return path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? ParseJson(text, path) : ParseYaml(text, path);
    }

    /// <summary>Parses a JSON spec; <paramref name="source"/> names it in errors.</summary>
    public static VeSpec ParseJson(string json, string source)
    {
        try
        {
            return Deserialize(json) ?? throw new VeSpecFileException($"{source}: the spec is empty");
        }
        catch (JsonException e)
        {
            throw new VeSpecFileException($"{source}: {Describe(e)}");
        }
    }

    /// <summary>
    /// Parses a YAML spec; <paramref name="source"/> names it in errors, which point at the line and the field
    /// (<c>three-tier.yaml:4:5: at vms[1].vcpus: …</c>).
    /// </summary>
    public static VeSpec ParseYaml(string yaml, string source)
    {
        JsonNode? node;
        var lines = new Dictionary<string, Mark>(StringComparer.Ordinal);
        var parser = new DepthLimitedParser(new Parser(new StringReader(yaml)), MaxDepth);
        try
        {
            var stream = new YamlStream();
            stream.Load(parser);
            node = stream.Documents.Count == 0 ? null : ToJson(stream.Documents[0].RootNode, "$", lines);
        }
        catch (YamlException e)
        {
            throw new VeSpecFileException($"{source}:{e.Start.Line}:{e.Start.Column}: {e.InnerException?.Message ?? e.Message}");
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner fails this way on some malformed text (seen by the fuzz tests), without a position.
            var at = parser.LastRead;
            throw new VeSpecFileException($"{source}:{at.Line}:{at.Column}: the YAML cannot be read after this point");
        }
        try
        {
            return Deserialize(node?.ToJsonString() ?? "null") ?? throw new VeSpecFileException($"{source}: the spec is empty");
        }
        catch (JsonException e)
        {
            // The serializer names the field as a JSON path; the YAML node at that path (or its nearest parent) has the line.
            var path = e.Path ?? "$";
            while (!lines.ContainsKey(path) && path.Length > 1)
                path = Parent(path);
            var where = lines.TryGetValue(path, out var mark) ? $"{source}:{mark.Line}:{mark.Column}" : source;
            throw new VeSpecFileException($"{where}: {Describe(e)}");
        }
    }

    // Located like the parser's own errors; the handler above shows the inner message, without YamlDotNet's marks.
    private static YamlException Problem(YamlNode node, string message) => new(node.Start, node.End, message, new InvalidDataException(message));

    // The serializer refuses a constraint without its kind with NotSupportedException, which carries its path only in
    // its message: turn it into the JsonException every other refusal is, so it gets a place and a clear reason.
    private static VeSpec? Deserialize(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<VeSpec>(json, Json);
        }
        catch (NotSupportedException e)
        {
            var path = Regex.Match(e.Message, @"Path: (\$[^ |]*)") is { Success: true } m ? m.Groups[1].Value.TrimEnd('.') : null;
            var reason = e.Message.Contains("type discriminator", StringComparison.Ordinal)
                ? $"a constraint needs 'kind', one of {string.Join(", ", ConstraintTypes.Select(t => t.Name))}"
                : e.Message.Split(" Path:")[0];
            throw new JsonException(reason, path, null, null, e);
        }
    }

    // "$.vms[1].vcpus" → "$.vms[1]" → "$.vms" → "$".
    private static string Parent(string path)
    {
        var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
        return cut <= 0 ? "$" : path[..cut];
    }

    /// <summary>The spec as indented JSON, readable back with <see cref="ParseJson"/>.</summary>
    public static string ToJson(VeSpec spec) => JsonSerializer.Serialize(spec, new JsonSerializerOptions(Json) { WriteIndented = true });

    // The JSON equivalent of a YAML node; records where each path starts, to point errors at the YAML line.
    private static JsonNode? ToJson(YamlNode node, string path, Dictionary<string, Mark> lines)
    {
        lines[path] = node.Start;
        return node switch
        {
            YamlMappingNode map => new JsonObject(map.Children.Select(c =>
            {
                var key = c.Key is YamlScalarNode { Value: { } name }
                    ? name
                    : throw Problem(c.Key, "a key must be a plain name, not a list or a map");
                lines[$"{path}.{key}"] = c.Key.Start;
                return KeyValuePair.Create(key, ToJson(c.Value, $"{path}.{key}", lines));
            })),
            YamlSequenceNode list => new JsonArray(list.Children.Select((child, i) => ToJson(child, $"{path}[{i}]", lines)).ToArray()),
            YamlScalarNode { Style: ScalarStyle.Plain } scalar => Plain(scalar.Value),
            YamlScalarNode scalar => JsonValue.Create(scalar.Value),
            _ => null,
        };
    }

    // Unquoted YAML scalars: numbers, booleans and null are what they look like; the rest is text.
    private static JsonNode? Plain(string? value) => value switch
    {
        null or "" or "~" or "null" => null,
        "true" => JsonValue.Create(true),
        "false" => JsonValue.Create(false),
        _ when long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var integer) => JsonValue.Create(integer),
        _ when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) => JsonValue.Create(real),
        _ => JsonValue.Create(value),
    };

    private static string Describe(JsonException e)
    {
        var where = e.Path is { Length: > 0 } path ? $"at {path}: " : "";
        // The serializer's messages name .NET types; what a tenant needs is where and what.
        var what = e.Message.Split(" Path:")[0];
        return where + what;
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var resolver = new DefaultJsonTypeInfoResolver();
        resolver.Modifiers.Add(info =>
        {
            if (info.Type == typeof(PlacementConstraint))
            {
                info.PolymorphismOptions = new JsonPolymorphismOptions
                {
                    TypeDiscriminatorPropertyName = "kind",
                    UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization,
                };
                foreach (var type in ConstraintTypes)
                    info.PolymorphismOptions.DerivedTypes.Add(new JsonDerivedType(type, type.Name));
            }
            if (typeof(PlacementConstraint).IsAssignableFrom(info.Type) && info.Kind == JsonTypeInfoKind.Object)
            {
                // Computed, not data.
                foreach (var computed in info.Properties.Where(p => p.Name is "kind" or "locations").ToList())
                    info.Properties.Remove(computed);
            }
        });
        return new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            TypeInfoResolver = resolver,
            AllowOutOfOrderMetadataProperties = true,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            Converters = { new JsonStringEnumConverter() },
        };
    }
}

/// <summary>
/// Refuses YAML nested deeper than a limit, and aliases, while it is read: the node tree is built recursively, and
/// either could exhaust the stack or the memory.
/// </summary>
internal sealed class DepthLimitedParser(IParser inner, int maxDepth) : IParser
{
    private int _depth;

    public ParsingEvent? Current => inner.Current;

    /// <summary>Where the last event read ends: the place to point at when the parser fails without saying where.</summary>
    public Mark LastRead { get; private set; } = Mark.Empty;

    public bool MoveNext()
    {
        if (!inner.MoveNext())
            return false;
        LastRead = inner.Current!.End;
        switch (inner.Current)
        {
            case MappingStart or SequenceStart when ++_depth > maxDepth:
                throw Refuse($"lists and maps are nested more than {maxDepth} levels deep");
            // An alias can point back at its own anchor (a cycle) or multiply a node (a "billion laughs" bomb).
            case AnchorAlias:
                throw Refuse("aliases (*name) are not allowed in a spec file; write the value out");
            case MappingEnd or SequenceEnd:
                _depth--;
                break;
        }
        return true;
    }

    private YamlException Refuse(string message) => new(inner.Current!.Start, inner.Current.End, message, new InvalidDataException(message));
}

/// <summary>A VE spec file that cannot be read; the message names the file, the place and the problem.</summary>
public sealed class VeSpecFileException(string message) : Exception(message);
