//! ECS cluster query language.
