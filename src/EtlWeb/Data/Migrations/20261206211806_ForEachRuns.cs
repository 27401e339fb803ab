using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EtlWeb.Data.Migrations
{
    /// <inheritdoc />
    public partial class ForEachRuns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_runs_JobId_Status_Id_BackfillId",
                table: "runs");

            migrationBuilder.AddColumn<string>(
                name: "Item",
                table: "runs",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ItemIndex",
                table: "runs",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ParentRunId",
                table: "runs",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ForEachJob",
                table: "jobs",
                type: "TEXT",
                maxLength: 100,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<int>(
                name: "ForEachMaxParallel",
                table: "jobs",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "ForEachOutput",
                table: "jobs",
                type: "TEXT",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateIndex(
                name: "IX_runs_JobId_Status_Id_BackfillId_ParentRunId",
                table: "runs",
                columns: new[] { "JobId", "Status", "Id", "BackfillId", "ParentRunId" });

            migrationBuilder.CreateIndex(
                name: "IX_runs_ParentRunId_Status",
                table: "runs",
                columns: new[] { "ParentRunId", "Status" },
                filter: "\"ParentRunId\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_runs_JobId_Status_Id_BackfillId_ParentRunId",
                table: "runs");

            migrationBuilder.DropIndex(
                name: "IX_runs_ParentRunId_Status",
                table: "runs");

            migrationBuilder.DropColumn(
                name: "Item",
                table: "runs");

            migrationBuilder.DropColumn(
                name: "ItemIndex",
                table: "runs");

            migrationBuilder.DropColumn(
                name: "ParentRunId",
                table: "runs");

            migrationBuilder.DropColumn(
                name: "ForEachJob",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "ForEachMaxParallel",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "ForEachOutput",
                table: "jobs");

            migrationBuilder.CreateIndex(
                name: "IX_runs_JobId_Status_Id_BackfillId",
                table: "runs",
                columns: new[] { "JobId", "Status", "Id", "BackfillId" });
        }
    }
}
