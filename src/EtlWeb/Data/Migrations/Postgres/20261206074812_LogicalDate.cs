using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EtlWeb.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class LogicalDate : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "LogicalDate",
                table: "runs",
                type: "timestamp with time zone",
                nullable: false,
                defaultValue: new DateTimeOffset(new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)));

            // The runs of before: the time they were queued is the closest known to the instant they were for.
            migrationBuilder.Sql("UPDATE runs SET \"LogicalDate\" = \"QueuedAt\";");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "LogicalDate",
                table: "runs");
        }
    }
}
