using System.Text;
using Discovery.Abstractions.Environments;
using Xunit;

namespace Discovery.Client.Tests.Fuzzing;

/// <summary>
/// Spec files are the tenants' main input: whatever a file holds, reading it either gives a spec (which validation
/// then accepts or refuses with reasons) or a <see cref="VeSpecFileException"/> naming the place — never another
/// exception, a hang or a crash of the reader.
/// </summary>
public sealed class VeSpecFuzzTests
{
    private const string Seed = """
        vms:
          - { name: web, vcpus: 2, memoryMiB: 2048, image: debian-12, count: 2, ha: restart }
          - name: db
            vcpus: 4
            memoryMiB: 8192
            diskGiB: 50
        constraints:
          - { kind: Spread, vms: [web] }
          - { kind: Fence, vms: [db], where: [paris] }
          - { kind: Among, vms: [], groups: [[paris, lyon], [fr-south]] }
        near: { kind: Site, target: lyon, maxRttMs: 12.5 }
        """;

    // Pieces a hostile or careless file is made of.
    private static readonly string[] Tokens =
    [
        "{", "}", "[", "]", ":", ",", "-", "\n", "  ", "'", "\"", "&a", "*a", "!!binary", "? ", "|", ">", "#", "%YAML 1.2",
        "---", "...", "kind: Spread", "kind: Nope", "vms: [", "vcpus: -1", "vcpus: 99999999999999999999999", "memoryMiB: 1e308",
        "count: 2147483648", "name: \"</name><devices>\"", "name: 名前", "name: \"\u202e\"", "unknown: 1", "maxRttMs: NaN",
        "near: {kind: Point, x: [1, 2]}", "[a, b]: 1", "{x: 1}: 2", "null", "~", "true", "0x10", ".inf",
    ];

    [Fact]
    public void Thousands_of_mutated_yaml_and_json_specs_are_read_or_refused_with_a_spec_error()
    {
        var random = new Random(20261127);
        var json = VeSpecFile.ToJson(VeSpecFile.ParseYaml(Seed, "seed.yaml"));
        for (var i = 0; i < 3000; i++)
        {
            var yaml = i % 2 == 0;
            var text = Mutate(yaml ? Seed : json, random);
            AssertReadOrRefused(text, yaml);
        }
    }

    [Theory]
    [InlineData("vms: [{ name: web, vcpus: 99999999999999999999999, memoryMiB: 512 }]")]
    [InlineData("vms: [{ name: web, vcpus: -4, memoryMiB: 512 }]")]
    [InlineData("vms: [{ name: web, vcpus: 1, memoryMiB: 9223372036854775807, count: 1000000 }]")]
    [InlineData("vms: [{ name: \"web</name><devices><disk\", vcpus: 1, memoryMiB: 512 }]")]
    [InlineData("vms: [{ name: \"web'; DROP TABLE storage;--\", vcpus: 1, memoryMiB: 512 }]")]
    [InlineData("vms: [{ name: ウェブ, vcpus: 1, memoryMiB: 512 }]")]
    [InlineData("vms: [{ name: web, vcpus: 1, memoryMiB: 512, image: \"../../etc/passwd\" }]")]
    [InlineData("vms: [{ name: web, vcpus: 1, memoryMiB: 512, colour: blue }]")]
    [InlineData("vms: [{ name: web, vcpus: 1, memoryMiB: 512 }]\nconstraints: [{ kind: Fence, vms: [web], where: [\"<script>\"] }]")]
    [InlineData("vms: [{ name: web, vcpus: 1, memoryMiB: 512 }]\nnear: { kind: Site, target: lyon, maxRttMs: -1 }")]
    [InlineData("[a, b]: 1")]
    [InlineData("? [a, b]\n: 1")]
    [InlineData("vms: &a [*a]")]
    public void Hostile_specs_are_refused_with_a_reason_and_never_accepted(string yaml)
    {
        var problems = ReadOrRefuse(yaml, yaml: true);

        Assert.NotEmpty(problems);
        Assert.All(problems, p => Assert.False(string.IsNullOrWhiteSpace(p)));
    }

    [Fact]
    public void Nesting_thousands_of_levels_deep_is_refused_without_exhausting_the_stack()
    {
        var deepYaml = "vms: " + new string('[', 100_000) + new string(']', 100_000);
        var deepJson = "{\"vms\": " + new string('[', 100_000) + new string(']', 100_000) + "}";

        Assert.Contains("nested", Assert.Throws<VeSpecFileException>(() => VeSpecFile.ParseYaml(deepYaml, "deep.yaml")).Message);
        Assert.Throws<VeSpecFileException>(() => VeSpecFile.ParseJson(deepJson, "deep.json"));
    }

    [Fact]
    public void A_constraint_without_its_kind_is_named_with_its_line_and_the_kinds_there_are()
    {
        var error = Assert.Throws<VeSpecFileException>(() =>
            VeSpecFile.ParseYaml("vms: [{ name: web, vcpus: 1, memoryMiB: 512 }]\nconstraints:\n  - { vms: [web] }\n", "nokind.yaml"));

        Assert.StartsWith("nokind.yaml:3:", error.Message);
        Assert.Contains("a constraint needs 'kind', one of Among, Ban, Fence", error.Message);
    }

    [Fact]
    public void A_file_too_large_to_be_a_spec_is_refused_before_it_is_read()
    {
        var path = Path.Combine(Path.GetTempPath(), $"huge-{Guid.NewGuid():N}.yaml");
        using (var file = File.Create(path))
            file.SetLength(VeSpecFile.MaxFileBytes + 1);
        try
        {
            var error = Assert.Throws<VeSpecFileException>(() => VeSpecFile.Load(path));
            Assert.Contains("larger than", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static void AssertReadOrRefused(string text, bool yaml)
    {
        try
        {
            ReadOrRefuse(text, yaml);
        }
        catch (Exception e)
        {
            Assert.Fail($"{(yaml ? "YAML" : "JSON")} input made the reader throw {e.GetType().Name} instead of a spec error: {e}\n---\n{text}\n---");
        }
    }

    // The problems found reading and validating text: empty when it is a valid spec.
    private static IReadOnlyList<string> ReadOrRefuse(string text, bool yaml)
    {
        VeSpec spec;
        try
        {
            spec = yaml ? VeSpecFile.ParseYaml(text, "fuzz.yaml") : VeSpecFile.ParseJson(text, "fuzz.json");
        }
        catch (VeSpecFileException e)
        {
            return [e.Message];
        }
        return spec.Validate();
    }

    private static string Mutate(string text, Random random)
    {
        var builder = new StringBuilder(text);
        for (var edits = random.Next(1, 6); edits > 0; edits--)
        {
            var at = random.Next(builder.Length + 1);
            switch (random.Next(4))
            {
                case 0: // insert a token
                    builder.Insert(at, Tokens[random.Next(Tokens.Length)]);
                    break;
                case 1: // delete a run
                    builder.Remove(Math.Min(at, builder.Length - 1), Math.Min(random.Next(1, 12), builder.Length - Math.Min(at, builder.Length - 1)));
                    break;
                case 2: // replace a character by any character, control ones included
                    if (at < builder.Length)
                        builder[at] = (char)random.Next(0, 0x3000);
                    break;
                default: // duplicate a run
                    var length = Math.Min(random.Next(1, 40), builder.Length - Math.Min(at, builder.Length - 1));
                    var start = Math.Min(at, builder.Length - 1);
                    builder.Insert(start, builder.ToString(start, length));
                    break;
            }
        }
        return builder.ToString();
    }
}
