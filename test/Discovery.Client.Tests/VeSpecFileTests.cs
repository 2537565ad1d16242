namespace Discovery.Client.Tests;

public sealed class VeSpecFileTests
{
    private const string ThreeTier = """
        # a shop: two web servers apart, a database kept in paris
        vms:
          - { name: web, vcpus: 2, memoryMiB: 2048, image: debian-12, count: 2 }
          - name: db
            vcpus: 4
            memoryMiB: 8192
            diskGiB: 50
        constraints:
          - { kind: Spread, vms: [web] }
          - { kind: Fence, vms: [db], where: [paris] }
          - { kind: Among, vms: [], groups: [[paris, lyon], [fr-south]] }
          - { vms: [web], kind: MaxPerSite, max: 1 }
        near: { kind: Site, target: lyon, maxRttMs: 12.5 }
        """;

    [Fact]
    public void A_yaml_spec_reads_into_typed_vms_constraints_and_locality()
    {
        var spec = VeSpecFile.ParseYaml(ThreeTier, "shop.yaml");

        Assert.Empty(spec.Validate());
        Assert.Equal(["web-1", "web-2", "db"], spec.Instances().Select(i => i.Vm));
        Assert.Equal(50, spec.Vms[1].DiskGiB);
        Assert.Equal("debian-12", spec.Vms[0].Image);
        Assert.Equal(["Spread(web)", "Fence(db; only paris)", "Among(all; one of paris, lyon | fr-south)", "MaxPerSite(web; max 1)"],
            spec.AllConstraints.Select(c => c.ToString()));
        Assert.Equal(Locality.NearSite("lyon", 12.5), spec.Near);
    }

    [Fact]
    public void A_vm_may_ask_to_be_restarted_elsewhere_when_its_node_is_lost()
    {
        var spec = VeSpecFile.ParseYaml("vms:\n  - { name: web, vcpus: 1, memoryMiB: 512, ha: restart }\n  - { name: batch, vcpus: 1, memoryMiB: 512 }\n", "ha.yaml");

        Assert.Equal([HaMode.Restart, HaMode.None], spec.Vms.Select(v => v.Ha));
        Assert.Throws<VeSpecFileException>(() => VeSpecFile.ParseYaml("vms:\n  - { name: web, vcpus: 1, memoryMiB: 512, ha: sometimes }\n", "bad.yaml"));
    }

    [Fact]
    public void Json_written_from_a_spec_reads_back_the_same()
    {
        var spec = VeSpecFile.ParseYaml(ThreeTier, "shop.yaml");

        var json = VeSpecFile.ToJson(spec);
        var again = VeSpecFile.ParseJson(json, "shop.json");

        Assert.Equal(json, VeSpecFile.ToJson(again));
        Assert.Contains("\"kind\": \"Spread\"", json);
        Assert.DoesNotContain("locations", json);
    }

    [Fact]
    public void A_locality_can_be_a_point_in_coordinate_space()
    {
        var spec = VeSpecFile.ParseYaml("""
            vms: [{ name: a, vcpus: 1, memoryMiB: 512 }]
            near: { kind: Coordinate, coordinate: { vector: [12.5, -3], height: 0.4, error: 0.2 }, maxRttMs: 15 }
            """, "point.yaml");

        Assert.Equal(LocalityKind.Coordinate, spec.Near!.Kind);
        Assert.Equal([12.5, -3], spec.Near.Coordinate!.Vector);
        Assert.Empty(spec.Validate());
        Assert.Contains("needs the coordinate", new VeSpec([new("a", 1, 1)], Near: new Locality(LocalityKind.Coordinate)).Validate().Single());
        Assert.Contains("finite values", new VeSpec([new("a", 1, 1)], Near: Locality.NearCoordinate(new([double.NaN], 0, 1))).Validate().Single());
    }

    [Theory]
    [InlineData("vms: [{ name: a, vcpus: 1, memoryMiB: 1 }]\nconstraints: [{ kind: Glue, vms: [a] }]", "Glue")]
    [InlineData("vms: [{ name: a, vcpus: 1, memoryMiB: 1, colour: red }]", "colour")]
    [InlineData("vms: [{ name: a, vcpus: 1, memoryMiB: 1 }]\nconstraints: [{ kind: Fence, vms: [a] }]", "where")]
    [InlineData("vms: [{ name: a, vcpus: two, memoryMiB: 1 }]", "$.vms[0].vcpus")]
    [InlineData("vms: [{ name: a, vcpus: 1, memoryMiB: 1 }\n", "spec.yaml:")]
    [InlineData("", "spec.yaml")]
    public void A_bad_file_is_refused_with_the_place_and_the_problem(string yaml, string expected)
    {
        var error = Assert.Throws<VeSpecFileException>(() => VeSpecFile.ParseYaml(yaml, "spec.yaml"));

        Assert.StartsWith("spec.yaml", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_wrong_field_in_a_yaml_file_is_named_with_its_line()
    {
        const string yaml = """
            vms:
              - name: web
                vcpus: 2
                memoryMiB: 2048
              - name: db
                vcpus: four
                memoryMiB: 8192
            """;

        var error = Assert.Throws<VeSpecFileException>(() => VeSpecFile.ParseYaml(yaml, "shop.yaml"));

        Assert.StartsWith("shop.yaml:6:", error.Message);
        Assert.Contains("$.vms[1].vcpus", error.Message);
        var unknown = Assert.Throws<VeSpecFileException>(() => VeSpecFile.ParseYaml("vms:\n  - name: a\n    vcpus: 1\n    memoryMiB: 1\n    colour: red\n", "a.yaml"));
        Assert.StartsWith("a.yaml:", unknown.Message);
        Assert.Contains("colour", unknown.Message);
    }

    [Fact]
    public void Load_picks_the_format_from_the_extension_and_names_a_missing_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"ve-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, VeSpecFile.ToJson(VeSpecFile.ParseYaml(ThreeTier, "shop.yaml")));
        try
        {
            Assert.Equal(3, VeSpecFile.Load(path).Instances().Count);
        }
        finally
        {
            File.Delete(path);
        }
        Assert.Contains("cannot read VE spec", Assert.Throws<VeSpecFileException>(() => VeSpecFile.Load(path)).Message);
    }
}
